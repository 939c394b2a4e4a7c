-- Fails on any raw order line that is neither in order_lines nor in rejected_rows, or is in both.
with raw as (
    select source_name, source_file, source_row from {{ ref('int_order_lines') }}
),

landed as (
    select source_name, source_file, source_row from {{ ref('order_lines') }}
    union all
    select source_name, source_file, source_row from {{ ref('rejected_rows') }}
    where entity = 'order_lines'
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
