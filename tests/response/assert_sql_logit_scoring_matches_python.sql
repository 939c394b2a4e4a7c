-- Scoring in SQL (macro score_response_logit, from response_logit_coefficients) must reproduce, for every
-- customer of response_training_set, the logistic model's Python probability (response_scores.logit_probability)
-- to within 1e-9. Returns the disagreeing customers: zero rows = agreement for everyone.
with sql_scored as (
    {{ score_response_logit(ref('response_training_set'), ref('response_logit_coefficients')) }}
),

python_scored as (
    select * from {{ ref('response_scores') }}
),

compared as (
    select
        coalesce(python_scored.customer_id, sql_scored.customer_id) as customer_id,
        python_scored.logit_probability as python_probability,
        sql_scored.logit_probability as sql_probability
    from python_scored
    full outer join sql_scored
        on python_scored.customer_id = sql_scored.customer_id
)

select *
from compared
where python_probability is null
    or sql_probability is null
    or abs(python_probability - sql_probability) > 1e-9
