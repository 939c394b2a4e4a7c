-- Per snapshot, customer and activity, one value in the long form of int_customer_activity, whatever
-- the data set: order-line data sets give spend per product category (gross purchases) and purchases
-- per sales channel (distinct purchase invoices) before the as-of date (int_customer_order_activity); summary
-- data sets (customer_personality) give them directly. Their rows carry no dates: the source is one
-- snapshot, so the same values serve every as-of date. Source keys map to feature keys through the
-- seed activity_keys (e.g. wines and wine both become wine); unmapped spend/purchases keys are dropped.
with order_activity as (
    select * from {{ ref('int_customer_order_activity') }}
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

from_order_lines as (
    select
        snapshot_name,
        customer_id,
        activity_type,
        source_key,
        activity_value
    from order_activity
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
    select * from from_order_lines
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
