-- Scoring in SQL (macro assign_segment, from segment_centroids) must give every customer of
-- customer_features the same segment as the Python fit (customer_segments), and the same distance.
-- Returns the disagreeing customers: zero rows = 100% agreement.
with sql_scored as (
    {{ assign_segment(ref('customer_features'), ref('segment_centroids')) }}
),

python_scored as (
    select * from {{ ref('customer_segments') }}
),

compared as (
    select
        coalesce(python_scored.customer_id, sql_scored.customer_id) as customer_id,
        python_scored.segment_id as python_segment_id,
        sql_scored.segment_id as sql_segment_id,
        python_scored.distance_to_centroid as python_distance,
        sql_scored.distance_to_centroid as sql_distance
    from python_scored
    full outer join sql_scored
        on python_scored.customer_id = sql_scored.customer_id
)

select *
from compared
where python_segment_id is null
    or sql_segment_id is null
    or python_segment_id <> sql_segment_id
    or abs(python_distance - sql_distance) > 1e-9 * (1 + abs(python_distance))
