-- The logistic model scored in SQL (response_scores.logit_probability: macro score_response_logit over
-- response_logit_coefficients) must equal scikit-learn's predict_proba of the refit model
-- (response_scores_python.logit_probability) within 1e-9 for every customer. Zero rows = agreement.
with sql_scored as (
    select * from {{ ref('response_scores') }}
),

python_scored as (
    select * from {{ ref('response_scores_python') }}
    where logit_probability is not null
),

compared as (
    select
        coalesce(python_scored.customer_id, sql_scored.customer_id) as customer_id,
        python_scored.logit_probability as python_probability,
        sql_scored.logit_probability as sql_probability
    from python_scored
    full outer join sql_scored on python_scored.customer_id = sql_scored.customer_id
)

select *
from compared
where python_probability is null
    or sql_probability is null
    or abs(python_probability - sql_probability) > 1e-9
