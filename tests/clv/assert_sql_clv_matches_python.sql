-- customer_clv scored in SQL (macro score_clv over clv_model_parameters) must equal the same model computed in
-- Python with scipy.special.hyp2f1 (customer_clv_python) for every customer: p(alive), expected purchases and
-- expected order value within 1e-9 (relative to the value when it exceeds 1). Zero rows = agreement. A failure
-- in expected_purchases alone means the series was cut short: raise var clv.series_terms (macro clv_setting).
with sql_scored as (
    select * from {{ ref('customer_clv') }}
),

python_scored as (
    select * from {{ ref('customer_clv_python') }}
),

compared as (
    select
        coalesce(python_scored.customer_id, sql_scored.customer_id) as customer_id,
        python_scored.p_alive as python_p_alive,
        sql_scored.p_alive as sql_p_alive,
        python_scored.expected_purchases as python_expected_purchases,
        sql_scored.expected_purchases as sql_expected_purchases,
        python_scored.expected_order_value as python_expected_order_value,
        sql_scored.expected_order_value as sql_expected_order_value
    from python_scored
    full outer join sql_scored on python_scored.customer_id = sql_scored.customer_id
)

select *
from compared
where python_p_alive is null
    or sql_p_alive is null
    or python_expected_purchases is null
    or sql_expected_purchases is null
    or (python_expected_order_value is null) != (sql_expected_order_value is null)
    or abs(python_p_alive - sql_p_alive) > 1e-9 * greatest(1, abs(python_p_alive))
    or abs(python_expected_purchases - sql_expected_purchases) > 1e-9 * greatest(1, abs(python_expected_purchases))
    or abs(python_expected_order_value - sql_expected_order_value)
    > 1e-9 * greatest(1, abs(python_expected_order_value))
