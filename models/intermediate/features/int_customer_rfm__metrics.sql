-- Per snapshot and customer, the raw R, F and M measures whatever the data set:
--   order-line data sets: from int_customer_order_metrics (distinct purchase invoices, net revenue);
--   summary data sets (customer_personality): recency_days = days_since_last_purchase (the source's
--   Recency), frequency = web + catalog + store purchases (deals purchases are a subset of those and
--   are not added), monetary = total spend over the categories, tenure from the sign-up date;
--   first/last order timestamps and the CLV summary stay null (no transaction dates).
-- Data sets with neither (coil2000) have no rows.
with order_metrics as (
    select * from {{ ref('int_customer_order_metrics') }}
),

activity as (
    select * from {{ ref('int_customer_activity_by_key') }}
),

customers as (
    select * from {{ ref('customers') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

activity_summary as (
    select
        activity.snapshot_name,
        activity.customer_id,
        max(case when activity.activity_type = 'days_since_last_purchase' then activity.activity_value end)
            as recency_days,
        sum(case
            when activity.activity_type = 'purchases' and activity.activity_key in ('web', 'catalog', 'store')
                then activity.activity_value
        end) as frequency,
        sum(case when activity.activity_type = 'spend' then activity.activity_value end) as monetary
    from activity
    where not exists (
        select 1 from order_metrics
        where order_metrics.snapshot_name = activity.snapshot_name
            and order_metrics.customer_id = activity.customer_id
    )
    group by activity.snapshot_name, activity.customer_id
),

from_activity as (
    select
        activity_summary.snapshot_name,
        activity_summary.customer_id,
        cast(null as timestamp) as first_order_at,
        cast(null as timestamp) as last_order_at,
        cast(activity_summary.frequency as bigint) as frequency,
        cast(activity_summary.monetary as double) as gross_revenue,
        cast(0 as double) as returned_amount,
        cast(activity_summary.monetary as double) as monetary,
        cast(activity_summary.recency_days as bigint) as recency_days,
        cast({{ dbt.datediff('customers.customer_since', 'snapshots.as_of_date', 'day') }} as bigint) as tenure_days,  -- noqa: LT05
        cast(null as bigint) as frequency_repeat,
        cast(null as bigint) as recency_clv,
        cast(null as bigint) as t_days,
        cast(null as double) as monetary_value
    from activity_summary
    inner join snapshots on activity_summary.snapshot_name = snapshots.snapshot_name
    left join customers on activity_summary.customer_id = customers.customer_id
    where activity_summary.recency_days is not null
        or activity_summary.frequency is not null
        or activity_summary.monetary is not null
),

from_order_lines as (
    select
        snapshot_name,
        customer_id,
        first_order_at,
        last_order_at,
        cast(frequency as bigint) as frequency,
        gross_revenue,
        returned_amount,
        monetary,
        cast(recency_days as bigint) as recency_days,
        cast(tenure_days as bigint) as tenure_days,
        cast(frequency_repeat as bigint) as frequency_repeat,
        cast(recency_clv as bigint) as recency_clv,
        cast(t_days as bigint) as t_days,
        monetary_value
    from order_metrics
),

unioned as (
    select * from from_order_lines
    union all
    select * from from_activity
),

final as (
    select
        *,
        case when frequency > 0 then gross_revenue / frequency end as average_order_value
    from unioned
)

select * from final
