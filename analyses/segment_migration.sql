-- Segment migration between two builds: how many customers moved from each segment of the previous build
-- to each segment of the current one ('new customer' / 'no longer a customer' at either end).
-- Every publish keeps the copy it replaces as warehouse/serving/<dataset>.previous.duckdb, so after two
-- builds this runs as it is, in DuckDB (ATTACH is DuckDB's: the two builds are two database files):
--   dbt compile --select segment_migration
--   duckdb < target/compiled/custseg/analyses/segment_migration.sql
-- Point it at other copies with --vars '{previous_serving_db: ..., current_serving_db: ...}'.
{%- set serving = 'warehouse/serving/' ~ var('dataset') %}
attach if not exists '{{ var("previous_serving_db", serving ~ ".previous.duckdb") }}' as previous_build (read_only);  -- noqa: PRS
attach if not exists '{{ var("current_serving_db", serving ~ ".duckdb") }}' as current_build (read_only);  -- noqa: PRS

with previous_segments as (
    select
        customer_id,
        segment_name
    from previous_build.main.customer_segments
),

current_segments as (
    select
        customer_id,
        segment_name
    from current_build.main.customer_segments
),

moves as (
    select
        coalesce(previous_segments.segment_name, 'new customer') as from_segment,
        coalesce(current_segments.segment_name, 'no longer a customer') as to_segment,
        count(*) as customers
    from previous_segments
    full outer join current_segments on previous_segments.customer_id = current_segments.customer_id
    group by 1, 2
),

final as (
    select
        from_segment,
        to_segment,
        customers,
        customers * 1.0 / sum(customers) over (partition by from_segment) as share_of_from_segment,
        from_segment = to_segment as is_unchanged
    from moves
)

select * from final
order by from_segment asc, customers desc, to_segment asc
