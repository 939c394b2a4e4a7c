-- The time split, per customer: the purchases the CLV model fitted on the calibration period
-- (clv_calibration_parameters) predicts for the holdout period, scored in SQL exactly as customer_clv is
-- (macro score_clv, horizon = the holdout's length), beside the purchase days the customer actually made
-- there (int_clv_calibration_summary). Summarised in clv_holdout_validation.
with calibration_summary as (
    select * from {{ ref('int_clv_calibration_summary') }}
),

scored as (
    {{ score_clv(ref('int_clv_calibration_summary'), ref('clv_calibration_parameters'), clv_setting('holdout_days')) }}
),

final as (
    select
        calibration_summary.customer_id,
        calibration_summary.frequency_repeat,
        calibration_summary.recency_clv,
        calibration_summary.t_days,
        cast(scored.p_alive as {{ scoring_double() }}) as p_alive,
        cast(scored.expected_purchases as {{ scoring_double() }}) as predicted_purchases,
        calibration_summary.holdout_purchases as actual_purchases,
        calibration_summary.holdout_days,
        calibration_summary.as_of_date as holdout_start_date,
        calibration_summary.holdout_end_date
    from calibration_summary
    inner join scored on calibration_summary.customer_id = scored.customer_id
)

select * from final
