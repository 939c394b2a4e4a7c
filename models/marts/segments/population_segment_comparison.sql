-- One row per population segment: which segments are over- or under-represented among customers (the
-- Arvato question). Every member of population_features is assigned to the nearest centroid of the
-- population's k-means (population_segment_centroids, macro assign_segment); customers are the members with
-- is_customer (unknown membership counts as not a customer). Empty for data sets without a population.
{%- set over = var('population_over_threshold', 1.2) %}
{%- set under = var('population_under_threshold', 0.8) %}
with assigned as (
    {{ assign_segment(ref('population_features'), ref('population_segment_centroids'), id_column='person_id') }}
),

population_features as (
    select * from {{ ref('population_features') }}
),

population_segment_centroids as (
    select * from {{ ref('population_segment_centroids') }}
),

segments as (
    select distinct
        segment_id,
        segment_name
    from population_segment_centroids
),

members as (
    select
        assigned.segment_id,
        coalesce(population_features.is_customer, false) as is_customer
    from assigned
    inner join population_features on assigned.person_id = population_features.person_id
),

totals as (
    select
        count(*) as members,
        sum(case when is_customer then 1 else 0 end) as customers
    from members
),

per_segment as (
    select
        segments.segment_id,
        segments.segment_name,
        count(members.segment_id) as population_count,
        sum(case when members.is_customer then 1 else 0 end) as customer_count
    from segments
    left join members on segments.segment_id = members.segment_id
    group by segments.segment_id, segments.segment_name
),

shares as (
    select
        per_segment.segment_id,
        per_segment.segment_name,
        per_segment.population_count,
        cast(per_segment.population_count as {{ scoring_double() }})
        / nullif(totals.members, 0) as population_share,
        coalesce(per_segment.customer_count, 0) as customer_count,
        cast(coalesce(per_segment.customer_count, 0) as {{ scoring_double() }})
        / nullif(totals.customers, 0) as customer_share
    from per_segment
    cross join totals
),

final as (
    select
        segment_id,
        segment_name,
        population_count,
        population_share,
        customer_count,
        customer_share,
        customer_share / nullif(population_share, 0) as representation_ratio,
        case
            when customer_share / nullif(population_share, 0) > {{ over }} then 'over'
            when customer_share / nullif(population_share, 0) < {{ under }} then 'under'
            when customer_share / nullif(population_share, 0) is not null then 'neutral'
        end as representation
    from shares
)

select * from final
