-- Every raw row that could not be used, with its reason and its raw values (nothing is lost:
-- raw rows = clean rows + rejected rows, checked per entity by tests/sources/reconcile_*.sql).
with order_lines as (
    select * from {{ ref('int_order_lines__classified') }}
),

customers as (
    select * from {{ ref('int_customers__classified') }}
),

rejected_order_lines as (
    select
        source_name,
        'order_lines' as entity,
        source_file,
        source_row,
        reject_reason,
        coalesce(raw_values, {{ raw_values_text([
            'invoice_id', 'stock_code', 'product_description', 'product_category', 'sales_channel',
            'country', 'customer_id', 'quantity', 'unit_price', 'ordered_at'
        ]) }}) as raw_values
    from order_lines
    where reject_reason is not null
),

rejected_customers as (
    select
        source_name,
        'customers' as entity,
        source_file,
        source_row,
        reject_reason,
        coalesce(raw_values, {{ raw_values_text([
            'customer_id', 'person_id', 'education', 'marital_status', 'region', 'birth_year',
            'children', 'teens', 'household_size', 'income', 'customer_since'
        ]) }}) as raw_values
    from customers
    where reject_reason is not null
),

final as (
    select * from rejected_order_lines
    union all
    select * from rejected_customers
)

select * from final
