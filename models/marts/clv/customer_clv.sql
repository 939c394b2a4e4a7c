-- One row per customer of customer_rfm with a CLV summary (data sets with order lines): predicted customer
-- lifetime value over the next var clv.horizon_days days (macro clv_setting), scored in SQL from the stored
-- models (macro score_clv over clv_model_parameters): BG/NBD p(alive) and expected purchases, Gamma-Gamma
-- expected order value, and their product, the expected value (undiscounted). Empty without a fit.
{%- set horizon_days = clv_setting('horizon_days') %}
with customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

scored as (
    {{ score_clv(ref('customer_rfm'), ref('clv_model_parameters'), horizon_days) }}
),

final as (
    select
        scored.customer_id,
        cast(scored.p_alive as {{ scoring_double() }}) as p_alive,
        cast(scored.expected_purchases as {{ scoring_double() }}) as expected_purchases,
        cast(scored.expected_order_value as {{ scoring_double() }}) as expected_order_value,
        cast(scored.expected_purchases * scored.expected_order_value as {{ scoring_double() }}) as expected_value,
        cast({{ horizon_days }} as integer) as horizon_days,
        customer_rfm.as_of_date
    from scored
    inner join customer_rfm on scored.customer_id = customer_rfm.customer_id
)

select * from final
