-- The SQL assignment (customer_segments: macro assign_segment over segment_centroids) must give every
-- customer the segment that the fitted scikit-learn k-means predicts (segment_assignments_python).
-- Returns the disagreeing customers: zero rows = 100% agreement.
-- Skipped (no rows, a log line) in a build of a selection without every model it reads (macro
-- parents_outside_build).
{%- set outside = parents_outside_build() %}
{%- if outside %}
{{ skipped_test(outside) }}
{%- else %}
with sql_assigned as (
    select * from {{ ref('customer_segments') }}
),

python_assigned as (
    select * from {{ ref('segment_assignments_python') }}
),

compared as (
    select
        coalesce(python_assigned.customer_id, sql_assigned.customer_id) as customer_id,
        python_assigned.segment_id as python_segment_id,
        sql_assigned.segment_id as sql_segment_id
    from python_assigned
    full outer join sql_assigned
        on python_assigned.customer_id = sql_assigned.customer_id
)

select *
from compared
where python_segment_id is null
    or sql_segment_id is null
    or python_segment_id <> sql_segment_id
{%- endif %}
