-- Per snapshot, customer and activity, one value in the long form of int_customer_activity, whatever
-- the data set: order-line data sets derive spend per product category (gross purchases) and purchases
-- per sales channel (distinct purchase invoices) from clean order lines before the as-of date; summary
-- data sets (customer_personality) give them directly. Their rows carry no dates: the source is one
-- snapshot, so the same values serve every as-of date. Source keys map to feature keys through the
-- seed activity_keys (e.g. wines and wine both become wine); unmapped spend/purchases keys are dropped.
with order_line_totals as (
    select * from {{ ref('int_order_line_totals') }}
),

customer_activity as (
    select * from {{ ref('customer_activity') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

activity_keys as (
    select * from {{ ref('activity_keys') }}
),

snapshot_purchases as (
    select
        snapshots.snapshot_name,
        order_line_totals.customer_id,
        order_line_totals.product_category,
        order_line_totals.sales_channel,
        order_line_totals.invoice_id,
        order_line_totals.line_amount
    from order_line_totals
    inner join snapshots
        on order_line_totals.ordered_at < cast(snapshots.as_of_date as timestamp)
    where not order_line_totals.is_return
),

spend_from_order_lines as (
    select
        snapshot_name,
        customer_id,
        'spend' as activity_type,
        lower(product_category) as source_key,
        sum(line_amount) as activity_value
    from snapshot_purchases
    where product_category is not null
    group by snapshot_name, customer_id, lower(product_category)
),

purchases_from_order_lines as (
    select
        snapshot_name,
        customer_id,
        'purchases' as activity_type,
        lower(sales_channel) as source_key,
        cast(count(distinct invoice_id) as decimal(38, 4)) as activity_value
    from snapshot_purchases
    where sales_channel is not null
    group by snapshot_name, customer_id, lower(sales_channel)
),

summary_activity as (
    select
        snapshots.snapshot_name,
        customer_activity.customer_id,
        customer_activity.activity_type,
        lower(customer_activity.activity_key) as source_key,
        cast(customer_activity.value as decimal(38, 4)) as activity_value
    from customer_activity
    cross join snapshots
    where customer_activity.customer_id is not null
        and customer_activity.value is not null
),

unioned as (
    select * from spend_from_order_lines
    union all
    select * from purchases_from_order_lines
    union all
    select * from summary_activity
),

final as (
    select
        unioned.snapshot_name,
        unioned.customer_id,
        unioned.activity_type,
        coalesce(activity_keys.feature_key, unioned.source_key) as activity_key,
        -- Exact decimal sums: identical whatever the thread count (doubles would differ in the last bit).
        cast(sum(unioned.activity_value) as decimal(38, 4)) as activity_value
    from unioned
    left join activity_keys
        on unioned.activity_type = activity_keys.activity_type
        and unioned.source_key = activity_keys.source_key
    where activity_keys.feature_key is not null
        or unioned.activity_type not in ('spend', 'purchases')
    group by
        unioned.snapshot_name,
        unioned.customer_id,
        unioned.activity_type,
        coalesce(activity_keys.feature_key, unioned.source_key)
)

select * from final
