-- Customer behaviour in long form (spend per category, purchases per channel, web visits,
-- complaints, days since the last purchase) for clean customers. Empty for sources with order lines.
with activity as (
    select * from {{ ref('int_customer_activity') }}
),

customers as (
    select customer_id from {{ ref('customers') }}
),

final as (
    select
        activity.customer_id,
        activity.activity_type,
        activity.activity_key,
        activity.value
    from activity
    inner join customers on activity.customer_id = customers.customer_id
)

select * from final
