-- Clean order lines: purchases and the returns (cancellations) that offset them.
-- Incremental like int_order_lines__classified: a build appends the clean lines of each file beyond
-- the last source_row already loaded from it (rejected lines are never loaded, so the watermark only
-- skips lines classified before).
{{ config(materialized='incremental', on_schema_change='fail') }}

with classified as (
    select * from {{ ref('int_order_lines__classified') }}
),
{%- if is_incremental() %}

loaded_files as (
    select source_file, max(source_row) as last_source_row
    from {{ this }}
    group by source_file
),
{%- endif %}

clean as (
    select
        customer_id,
        invoice_id,
        stock_code,
        product_description,
        product_category,
        sales_channel,
        country,
        source_name,
        source_file,
        source_row,
        quantity,
        unit_price,
        -- Exact decimal amounts keep sums identical whatever the thread count.
        cast(quantity * unit_price as decimal(18, 4)) as line_amount,
        is_cancellation as is_return,
        ordered_at
    from classified
    where reject_reason is null
    {%- if is_incremental() %}
        and source_row > coalesce((
            select loaded_files.last_source_row from loaded_files
            where loaded_files.source_file = classified.source_file
        ), 0)
    {%- endif %}
)

select * from clean
