-- Per snapshot and customer, what the clean order lines ordered before the snapshot's as-of date say per
-- source key: spend per product category (gross purchases) and purchases per sales channel (distinct purchase
-- invoices), keys lower-cased. int_customer_activity_by_key maps them to feature keys (seed activity_keys).
-- Incremental per snapshot and customer (macros/features/incremental_by_customer.sql), a table on Spark.
{{ config(
    materialized=customer_incremental_materialization(),
    on_schema_change='fail',
    pre_hook="{{ delete_changed_customer_rows(ref('int_feature_snapshots'), ref('int_customer_order_line_counts')) }}",
) }}

with order_line_totals as (
    select * from {{ ref('int_order_line_totals') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

customer_lines as (
    select * from {{ ref('int_customer_order_line_counts') }}
),

snapshot_purchases as (
    select
        snapshots.snapshot_name,
        snapshots.as_of_date,
        order_line_totals.customer_id,
        order_line_totals.product_category,
        order_line_totals.sales_channel,
        order_line_totals.invoice_id,
        order_line_totals.line_amount
    from order_line_totals
    inner join snapshots
        on order_line_totals.ordered_at < cast(snapshots.as_of_date as timestamp)
    where
        not order_line_totals.is_return
        and {{ customers_to_compute('snapshots.snapshot_name', 'order_line_totals.customer_id') }}
),

spend as (
    select
        snapshot_name,
        as_of_date,
        customer_id,
        'spend' as activity_type,
        lower(product_category) as source_key,
        sum(line_amount) as activity_value
    from snapshot_purchases
    where product_category is not null
    group by snapshot_name, as_of_date, customer_id, lower(product_category)
),

purchases as (
    select
        snapshot_name,
        as_of_date,
        customer_id,
        'purchases' as activity_type,
        lower(sales_channel) as source_key,
        cast(count(distinct invoice_id) as decimal(38, 4)) as activity_value
    from snapshot_purchases
    where sales_channel is not null
    group by snapshot_name, as_of_date, customer_id, lower(sales_channel)
),

unioned as (
    select * from spend
    union all
    select * from purchases
),

final as (
    select
        unioned.snapshot_name,
        unioned.as_of_date,
        unioned.customer_id,
        unioned.activity_type,
        unioned.source_key,
        cast(unioned.activity_value as decimal(38, 4)) as activity_value,
        customer_lines.order_line_count
    from unioned
    inner join customer_lines on unioned.customer_id = customer_lines.customer_id
)

select * from final
