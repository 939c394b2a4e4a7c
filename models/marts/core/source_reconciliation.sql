-- Raw rows against where they landed, per data set, entity and file: raw = clean + rejected.
-- unaccounted_rows is 0 when nothing was lost or double counted (tests/sources/ fail otherwise).
with raw_rows as (
    select source_name, 'order_lines' as entity, source_file, count(*) as raw_rows
    from {{ ref('int_order_lines') }}
    group by source_name, source_file
    union all
    select source_name, 'customers' as entity, source_file, count(*) as raw_rows
    from {{ ref('int_customers') }}
    group by source_name, source_file
),

clean_rows as (
    select source_name, 'order_lines' as entity, source_file, count(*) as clean_rows
    from {{ ref('order_lines') }}
    group by source_name, source_file
    union all
    select source_name, 'customers' as entity, source_file, count(*) as clean_rows
    from {{ ref('customers') }}
    group by source_name, source_file
),

rejected as (
    select source_name, entity, source_file, count(*) as rejected_rows
    from {{ ref('rejected_rows') }}
    group by source_name, entity, source_file
),

final as (
    select
        raw_rows.source_name,
        raw_rows.entity,
        raw_rows.source_file,
        raw_rows.raw_rows,
        coalesce(clean_rows.clean_rows, 0) as clean_rows,
        coalesce(rejected.rejected_rows, 0) as rejected_rows,
        raw_rows.raw_rows - coalesce(clean_rows.clean_rows, 0) - coalesce(rejected.rejected_rows, 0)
            as unaccounted_rows
    from raw_rows
    left join clean_rows
        on raw_rows.source_name = clean_rows.source_name
        and raw_rows.entity = clean_rows.entity
        and raw_rows.source_file = clean_rows.source_file
    left join rejected
        on raw_rows.source_name = rejected.source_name
        and raw_rows.entity = rejected.entity
        and raw_rows.source_file = rejected.source_file
)

select * from final
