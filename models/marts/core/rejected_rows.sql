-- Every raw row that could not be used, with its reason and its raw values (nothing is lost:
-- raw rows = clean rows + rejected rows, checked per source by tests/reconcile_order_lines.sql).
with order_lines as (
    select * from {{ ref('int_order_lines__classified') }}
),

rejected_order_lines as (
    select
        source_name,
        'order_lines' as entity,
        source_file,
        source_row,
        reject_reason,
        {{ raw_values_text([
            'invoice_id', 'stock_code', 'product_description', 'product_category', 'sales_channel',
            'country', 'customer_id', 'quantity', 'unit_price', 'ordered_at'
        ]) }} as raw_values
    from order_lines
    where reject_reason is not null
)

select * from rejected_order_lines
