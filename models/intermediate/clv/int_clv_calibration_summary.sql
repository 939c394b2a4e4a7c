-- The time split that validates the CLV model: the CLV summary of every customer at the calibration as-of
-- date (the current as-of date minus var clv.holdout_days, macro clv_setting), computed as customer_rfm's
-- (macro clv_purchase_summary over the purchase lines before it), with the purchase days each customer
-- actually made in the holdout period [calibration as-of, current as-of). Customers whose first purchase
-- falls in the holdout are not in it. No rows without order lines.
{%- set holdout_days = clv_setting('holdout_days') %}
with order_line_totals as (
    select * from {{ ref('int_order_line_totals') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
    where snapshot_name = 'current'
),

periods as (
    select
        cast({{ dbt.dateadd('day', -holdout_days, 'as_of_date') }} as date) as as_of_date,
        as_of_date as holdout_end_date
    from snapshots
),

purchases as (
    select
        order_line_totals.customer_id,
        order_line_totals.ordered_at,
        order_line_totals.line_amount,
        periods.as_of_date,
        periods.holdout_end_date
    from order_line_totals
    cross join periods
    where not order_line_totals.is_return
),

calibration_lines as (
    select
        customer_id,
        as_of_date,
        cast(ordered_at as date) as ordered_on,
        line_amount
    from purchases
    where ordered_at < cast(as_of_date as timestamp)
),

calibration as (
    {{ clv_purchase_summary('calibration_lines') }}
),

holdout as (
    select
        customer_id,
        count(distinct cast(ordered_at as date)) as holdout_purchases
    from purchases
    where ordered_at >= cast(as_of_date as timestamp)
        and ordered_at < cast(holdout_end_date as timestamp)
    group by customer_id
),

final as (
    select
        calibration.customer_id,
        cast(calibration.frequency_repeat as integer) as frequency_repeat,
        cast(calibration.recency_clv as integer) as recency_clv,
        cast(calibration.t_days as integer) as t_days,
        cast(calibration.monetary_value as double) as monetary_value,
        cast(coalesce(holdout.holdout_purchases, 0) as integer) as holdout_purchases,
        cast({{ holdout_days }} as integer) as holdout_days,
        calibration.as_of_date,
        periods.holdout_end_date
    from calibration
    cross join periods
    left join holdout on calibration.customer_id = holdout.customer_id
)

select * from final
