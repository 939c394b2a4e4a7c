-- Fails on any raw customer row that is neither in customers nor in rejected_rows, or is in both.
-- Skipped (no rows, a log line) in a build of a selection without every model it reads (macro
-- parents_outside_build).
{%- set outside = parents_outside_build() %}
{%- if outside %}
{{ skipped_test(outside) }}
{%- else %}
with raw as (
    select source_name, source_file, source_row from {{ ref('int_customers') }}
),

landed as (
    select source_name, source_file, source_row from {{ ref('customers') }}
    union all
    select source_name, source_file, source_row from {{ ref('rejected_rows') }}
    where entity = 'customers'
),

landed_counts as (
    select source_name, source_file, source_row, count(*) as times_landed
    from landed
    group by source_name, source_file, source_row
)

select
    raw.source_name,
    raw.source_file,
    raw.source_row,
    coalesce(landed_counts.times_landed, 0) as times_landed
from raw
left join landed_counts
    on raw.source_name = landed_counts.source_name
    and raw.source_file = landed_counts.source_file
    and raw.source_row = landed_counts.source_row
where coalesce(landed_counts.times_landed, 0) <> 1
{%- endif %}
