-- One row per decile of the chosen candidate's out-of-fold probabilities on the cross-validated labeled
-- customers (int_response_cv_candidates, the first CV repeat, so each customer once): every customer is scored
-- by a model that never saw them, so the table estimates what a new mailing would achieve. Deciles: ntile(10)
-- over (probability desc, customer_id).
{%- set float = scoring_double() %}
with predictions as (
    select * from {{ ref('int_response_cv_candidates') }}
    where cv_repeat = 1
),

chosen as (
    select distinct candidate_position
    from {{ ref('response_model_metrics') }}
    where is_chosen
),

deciles as (
    select
        predictions.label,
        ntile(10) over (order by predictions.probability desc, predictions.customer_id asc) as decile
    from predictions
    inner join chosen on predictions.candidate_position = chosen.candidate_position
),

per_decile as (
    select
        decile,
        count(*) as customers,
        sum(label) as responders
    from deciles
    group by decile
),

overall as (
    select
        sum(customers) as customers,
        sum(responders) as responders
    from per_decile
),

cumulative as (
    select
        decile,
        customers,
        responders,
        sum(customers) over (order by decile rows unbounded preceding) as cumulative_customers,
        sum(responders) over (order by decile rows unbounded preceding) as cumulative_responders
    from per_decile
),

final as (
    select
        cumulative.decile,
        cumulative.customers,
        cumulative.responders,
        cast(cumulative.responders as {{ float }}) / cumulative.customers as response_rate,
        cast(cumulative.cumulative_customers as {{ float }}) / overall.customers as cumulative_customers_share,
        cumulative.cumulative_responders,
        cast(cumulative.cumulative_responders as {{ float }}) / nullif(overall.responders, 0) as cumulative_gain,
        (cast(cumulative.responders as {{ float }}) / cumulative.customers)
        / nullif(cast(overall.responders as {{ float }}) / overall.customers, 0) as lift,
        (cast(cumulative.cumulative_responders as {{ float }}) / cumulative.cumulative_customers)
        / nullif(cast(overall.responders as {{ float }}) / overall.customers, 0) as cumulative_lift
    from cumulative
    cross join overall
)

select * from final
