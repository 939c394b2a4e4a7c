-- How well the CLV model predicts, on the time split (clv_holdout_predictions): predicted vs actual holdout
-- purchases in total ('all') and per number of repeat purchases in the calibration period ('0' .. '6', '7+';
-- the classic calibration-vs-holdout check of Fader, Hardie & Lee). relative_error = predicted / actual - 1;
-- correlation is Pearson's over the group's customers. Sums are exact decimals (macro exact_sum), so two
-- builds give identical figures. Empty without order lines.
with predictions as (
    select * from {{ ref('clv_holdout_predictions') }}
),

grouped as (
    select
        'all' as customer_group,
        0 as group_order,
        predictions.*
    from predictions
    union all
    select
        case
            when frequency_repeat >= 7 then '7+'
            else cast(frequency_repeat as {{ dbt.type_string() }})
        end as customer_group,
        least(frequency_repeat, 7) + 1 as group_order,
        predictions.*
    from predictions
),

sums as (
    select
        customer_group,
        group_order,
        count(*) as customers,
        sum(actual_purchases) as actual_purchases,
        {{ exact_sum('predicted_purchases') }} as predicted_purchases,
        {{ exact_sum('predicted_purchases * predicted_purchases') }} as predicted_squares,
        {{ exact_sum('cast(actual_purchases as ' ~ scoring_double() ~ ') * actual_purchases') }} as actual_squares,
        {{ exact_sum('predicted_purchases * actual_purchases') }} as cross_products,
        {{ exact_sum('abs(predicted_purchases - actual_purchases)') }} as absolute_errors,
        min(holdout_start_date) as holdout_start_date,
        max(holdout_end_date) as holdout_end_date,
        max(holdout_days) as holdout_days
    from grouped
    group by customer_group, group_order
),

final as (
    select
        cast(customer_group as {{ dbt.type_string() }}) as customer_group,
        cast(group_order as integer) as group_order,
        cast(customers as bigint) as customers,
        cast(actual_purchases as bigint) as actual_purchases,
        predicted_purchases,
        predicted_purchases / nullif(actual_purchases, 0) - 1 as relative_error,
        cast(actual_purchases as {{ scoring_double() }}) / customers as mean_actual_purchases,
        predicted_purchases / customers as mean_predicted_purchases,
        (customers * cross_products - predicted_purchases * actual_purchases)
        / nullif(
            sqrt(greatest(customers * predicted_squares - predicted_purchases * predicted_purchases, 0))
            * sqrt(greatest(
                customers * actual_squares
                - cast(actual_purchases as {{ scoring_double() }}) * actual_purchases, 0
            )),
            0
        ) as correlation,
        absolute_errors / customers as mean_absolute_error,
        cast(holdout_days as integer) as holdout_days,
        holdout_start_date,
        holdout_end_date
    from sums
)

select * from final
