-- The target list: the top N (var response.targets_top an integer) or the top share (a number in (0, 1],
-- rounded half up) of the customers who may be targeted (var response.targets_population: all, labeled or
-- unlabeled; coil2000: the 800 most likely of the 4,000 unlabeled evaluation households), by
-- response_probability, ties by customer_id. Defaults per data set: macro response_setting.
{%- set top = response_setting('targets_top') %}
{%- set population = response_setting('targets_population') %}
with response_scores as (
    select * from {{ ref('response_scores') }}
),

pool as (
    select
        customer_id,
        response_probability,
        response_decile
    from response_scores
    {%- if population == 'labeled' %}
    where is_labeled
    {%- elif population == 'unlabeled' %}
    where not is_labeled
    {%- endif %}
),

ranked as (
    select
        customer_id,
        response_probability,
        response_decile,
        row_number() over (order by response_probability desc, customer_id asc) as target_rank,
        count(*) over () as pool_size
    from pool
),

final as (
    select
        target_rank as rank,
        customer_id,
        response_probability,
        response_decile
    from ranked
    {%- if top is integer %}
    where target_rank <= {{ top }}
    {%- else %}
    where target_rank <= floor(cast({{ top }} as {{ scoring_double() }}) * pool_size + 0.5)
    {%- endif %}
)

select * from final
