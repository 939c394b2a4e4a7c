-- Recency, frequency and monetary value of every customer with a clean purchase.
-- monetary is net revenue: purchases minus the returns (cancellation lines) of the same customer.
with order_lines as (
    select * from {{ ref('order_lines') }}
),

as_of as (
    {% if var('as_of_date', none) %}
    select cast('{{ var("as_of_date") }}' as date) as as_of_date
    {% else %}
    -- Default: the day after the last order in the data (never the wall clock).
    select cast({{ dbt.dateadd('day', 1, 'max(ordered_at)') }} as date) as as_of_date
    from order_lines
    {% endif %}
),

purchases as (
    select
        customer_id,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        count(distinct invoice_id) as frequency,
        sum(line_amount) as gross_revenue
    from order_lines
    where not is_return
    group by customer_id
),

returns as (
    select
        customer_id,
        sum(line_amount) as returned_amount
    from order_lines
    where is_return
    group by customer_id
),

final as (
    select
        purchases.customer_id,
        purchases.frequency,
        cast(purchases.gross_revenue + coalesce(returns.returned_amount, 0) as double) as monetary,
        cast(purchases.gross_revenue as double) / purchases.frequency as average_order_value,
        {{ dbt.datediff('purchases.last_order_at', 'as_of.as_of_date', 'day') }} as recency_days,
        {{ dbt.datediff('purchases.first_order_at', 'as_of.as_of_date', 'day') }} as tenure_days,
        as_of.as_of_date,
        purchases.first_order_at,
        purchases.last_order_at
    from purchases
    cross join as_of
    left join returns on purchases.customer_id = returns.customer_id
)

select * from final
