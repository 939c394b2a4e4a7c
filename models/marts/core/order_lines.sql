-- Clean order lines: purchases and the returns (cancellations) that offset them.
-- A view over int_order_lines__classified (incremental), whose lines without a reject reason are the clean
-- ones: no second copy of tens of millions of lines in the build, and nothing to redo on a rebuild.
-- The serving copy (make publish) stores it as a table.
{{ config(materialized='view') }}

with classified as (
    select * from {{ ref('int_order_lines__classified') }}
),

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
)

select * from clean
