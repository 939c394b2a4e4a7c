-- Per snapshot and customer, what the clean order lines ordered before the snapshot's as-of date say:
-- first/last order, distinct purchase invoices, gross purchases, returns, and the CLV summary that
-- lifetimes.utils.summary_data_from_transaction_data(freq='D') returns with observation_period_end =
-- as_of_date (macro clv_purchase_summary; purchase lines only: a return is not a purchase event).
-- Incremental per snapshot and customer (macros/features/incremental_by_customer.sql): a build computes the
-- pairs whose customer has new lines or whose snapshot has a new as-of date; a table on Spark.
{{ config(
    materialized=customer_incremental_materialization(),
    on_schema_change='fail',
    pre_hook="{{ delete_changed_customer_rows(ref('int_feature_snapshots'), ref('int_customer_order_line_counts')) }}",
) }}

with order_line_totals as (
    select * from {{ ref('int_order_line_totals') }}
),

-- One row per invoice part (categories and channels summed away): fewer rows to join to the snapshots.
invoices as (
    select
        customer_id,
        invoice_id,
        ordered_at,
        is_return,
        sum(line_amount) as line_amount
    from order_line_totals
    group by customer_id, invoice_id, ordered_at, is_return
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

customer_lines as (
    select * from {{ ref('int_customer_order_line_counts') }}
),

snapshot_lines as (
    select
        snapshots.snapshot_name,
        snapshots.as_of_date,
        invoices.customer_id,
        invoices.invoice_id,
        invoices.line_amount,
        invoices.is_return,
        invoices.ordered_at,
        cast(invoices.ordered_at as date) as ordered_on
    from invoices
    inner join snapshots
        on invoices.ordered_at < cast(snapshots.as_of_date as timestamp)
    where {{ customers_to_compute('snapshots.snapshot_name', 'invoices.customer_id') }}
),

purchases as (
    select
        snapshot_name,
        customer_id,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        count(distinct invoice_id) as frequency,
        sum(line_amount) as gross_revenue
    from snapshot_lines
    where not is_return
    group by snapshot_name, customer_id
),

returns as (
    select
        snapshot_name,
        customer_id,
        sum(line_amount) as returned_amount
    from snapshot_lines
    where is_return
    group by snapshot_name, customer_id
),

purchase_lines as (
    select
        snapshot_name,
        as_of_date,
        customer_id,
        ordered_on,
        line_amount
    from snapshot_lines
    where not is_return
),

clv_summary as (
    {{ clv_purchase_summary('purchase_lines', keys=['snapshot_name']) }}
),

final as (
    select
        purchases.snapshot_name,
        snapshots.as_of_date,
        purchases.customer_id,
        purchases.first_order_at,
        purchases.last_order_at,
        purchases.frequency,
        cast(purchases.gross_revenue as double) as gross_revenue,
        cast(coalesce(returns.returned_amount, 0) as double) as returned_amount,
        cast(purchases.gross_revenue + coalesce(returns.returned_amount, 0) as double) as monetary,
        {{ dbt.datediff('purchases.last_order_at', 'snapshots.as_of_date', 'day') }} as recency_days,  -- noqa: LT05
        {{ dbt.datediff('purchases.first_order_at', 'snapshots.as_of_date', 'day') }} as tenure_days,  -- noqa: LT05
        clv_summary.frequency_repeat,
        clv_summary.recency_clv,
        clv_summary.t_days,
        clv_summary.monetary_value,
        customer_lines.order_line_count
    from purchases
    inner join snapshots on purchases.snapshot_name = snapshots.snapshot_name
    inner join customer_lines on purchases.customer_id = customer_lines.customer_id
    inner join clv_summary
        on purchases.snapshot_name = clv_summary.snapshot_name
        and purchases.customer_id = clv_summary.customer_id
    left join returns
        on purchases.snapshot_name = returns.snapshot_name
        and purchases.customer_id = returns.customer_id
)

select * from final
