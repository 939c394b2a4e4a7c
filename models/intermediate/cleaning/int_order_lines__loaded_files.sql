-- The raw files whose lines int_order_lines__classified holds, each with its identity as loaded: its size and the
-- SHA-256 of its content (macros/staging/raw_file_identity.sql). The next build's on-run-start hook compares
-- the files as they are with this table before any node runs, so a file changed in place stops the build
-- instead of being served stale. Rebuilt after every merge: a file that grew is recorded with its new size.
{{ config(materialized='table') }}

with classified as (
    select * from {{ ref('int_order_lines__classified') }}
),

loaded as (
    select
        source_file,
        max(source_row) as rows_loaded
    from classified
    group by source_file
),

final as (
    select
        source_file,
        '{{ var("dataset") }}' as dataset,
        '{{ raw_read_settings() | replace("'", "''") }}' as read_settings,
        {{ raw_file_bytes(raw_file_full_path('source_file')) }} as file_bytes,
        {{ raw_file_digest(raw_file_full_path('source_file')) }} as content_hash,
        rows_loaded
    from loaded
)

select * from final
