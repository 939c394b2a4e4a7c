-- The target list that fits a mailing budget: the customers most likely to respond, best first, for as long
-- as the letters cost no more than the budget. Ties in probability go to the smaller customer_id, so the
-- list is the same on every run.
--   dbt compile --select mailing_budget_targets --vars '{mailing_budget: 2500, cost_per_letter: 0.85}'
-- With value_per_response set, only customers whose expected value (probability x value) covers the cost
-- of their letter are mailed, even if budget is left.
{%- set cost_per_letter = var('cost_per_letter', 0.85) %}
{%- set mailing_budget = var('mailing_budget', 1000) %}
{%- set value_per_response = var('value_per_response', none) %}

with response_scores as (
    select * from {{ ref('response_scores') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

ranked as (
    select
        customer_id,
        response_probability,
        response_decile,
        row_number() over (order by response_probability desc, customer_id asc) as mailing_rank
    from response_scores
    {%- if value_per_response is not none %}
    where response_probability * {{ value_per_response }} >= {{ cost_per_letter }}
    {%- endif %}
),

costed as (
    select
        customer_id,
        response_probability,
        response_decile,
        mailing_rank,
        mailing_rank * {{ cost_per_letter }} as cumulative_cost,
        sum(response_probability) over (
            order by mailing_rank asc rows between unbounded preceding and current row
        ) as expected_responders
    from ranked
),

final as (
    select
        costed.mailing_rank,
        costed.customer_id,
        customer_segments.segment_name,
        costed.response_probability,
        costed.response_decile,
        costed.cumulative_cost,
        costed.expected_responders,
        costed.expected_responders / costed.mailing_rank as expected_response_rate
    from costed
    left join customer_segments on costed.customer_id = customer_segments.customer_id
    where costed.cumulative_cost <= {{ mailing_budget }}
)

select * from final
order by mailing_rank asc
