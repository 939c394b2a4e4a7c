-- One row per customer of customer_features: the segment of the nearest stored centroid (macro
-- assign_segment over the fitted model segment_centroids), its name and the distance to it. SQL only, so
-- any engine, and any new customer, is scored from the model table.
with assigned as (
    {{ assign_segment(ref('customer_features'), ref('segment_centroids')) }}
),

segment_centroids as (
    select * from {{ ref('segment_centroids') }}
),

segment_names as (
    select distinct
        segment_id,
        segment_name
    from segment_centroids
),

final as (
    select
        assigned.customer_id,
        assigned.segment_id,
        segment_names.segment_name,
        assigned.distance_to_centroid
    from assigned
    inner join segment_names on assigned.segment_id = segment_names.segment_id
)

select * from final
