{#- Returns a select of the CLV summary of purchase lines, as lifetimes.utils.summary_data_from_transaction_data
    (freq='D') computes it with observation_period_end = as_of_date: per `keys`, customer_id and as_of_date,
    the lines are grouped into purchase days;
      frequency_repeat  purchase days - 1
      recency_clv       days from the first to the last purchase day
      t_days            days from the first purchase day to as_of_date
      monetary_value    mean revenue of the purchase days after the first (0 without any)
    `purchase_lines`: a relation with columns <keys>, customer_id, as_of_date, ordered_on (a date), line_amount
    (purchase lines only: a return is not a purchase event). -#}
{% macro clv_purchase_summary(purchase_lines, keys=[]) -%}
    {%- set group_keys = (keys + ['customer_id', 'as_of_date']) | join(', ') -%}
select
    {{ group_keys }},
    count(*) - 1 as frequency_repeat,
    {{ dbt.datediff('min(ordered_on)', 'max(ordered_on)', 'day') }} as recency_clv,
    {{ dbt.datediff('min(ordered_on)', 'as_of_date', 'day') }} as t_days,
    {#- The revenue of the days after the first: every day's minus the first day's (min_by: the revenue of the
        earliest day; the days are distinct within a group). Exact decimals, as lifetimes sums them. -#}
    case
        when count(*) > 1
            then cast(sum(day_revenue) - min_by(day_revenue, ordered_on) as double) / (count(*) - 1)
        else 0
    end as monetary_value
from (
    select
        {{ group_keys }},
        ordered_on,
        sum(line_amount) as day_revenue
    from {{ purchase_lines }}
    group by {{ group_keys }}, ordered_on
) as purchase_days
group by {{ group_keys }}
{%- endmacro %}
