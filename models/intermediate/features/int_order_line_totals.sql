-- Clean order lines summed per file, customer, invoice, order time, channel, category and return flag: the
-- grain every order-line feature needs (order metrics, spend per category, purchases per channel), about
-- half the rows of order_lines, so the feature models scan this instead of every line.
--
-- Incremental like order_lines: a build adds the totals of each file's clean lines beyond the last
-- source_row already summed (a new Parquet part, or rows appended to an export). An invoice whose lines
-- straddle two batches of one file gets two rows; the features (sums, distinct invoices) stay exact.
{{ config(materialized='incremental', on_schema_change='fail') }}

with order_lines as (
    select * from {{ ref('order_lines') }}
),
{%- if is_incremental() %}

loaded_files as (
    select
        source_file,
        max(last_source_row) as last_source_row
    from {{ this }}
    group by source_file
),
{%- endif %}

new_lines as (
    select order_lines.*
    from order_lines
    {%- if is_incremental() %}
        left join loaded_files on order_lines.source_file = loaded_files.source_file
    where order_lines.source_row > coalesce(loaded_files.last_source_row, 0)
    {%- endif %}
),

totals as (
    select
        source_file,
        customer_id,
        invoice_id,
        ordered_at,
        sales_channel,
        product_category,
        is_return,
        -- Exact decimal sums: identical whatever the thread count.
        cast(sum(line_amount) as decimal(38, 4)) as line_amount,
        count(*) as order_line_count,
        max(source_row) as last_source_row
    from new_lines
    group by
        source_file,
        customer_id,
        invoice_id,
        ordered_at,
        sales_channel,
        product_category,
        is_return
)

select * from totals
