-- Segment mix by country: how the customers of each country (or region) split across the k-means segments.
-- A customer's country is the one most of their purchases were shipped to (Online Retail), and where orders
-- carry no country, the region of the customer profile (the sample world), otherwise 'unknown'.
-- Run: dbt compile --select segment_mix_by_country, then the SQL in target/compiled/.../analyses/.
with customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customers as (
    select * from {{ ref('customers') }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

country_orders as (
    select
        customer_id,
        country,
        count(distinct invoice_id) as orders
    from order_lines
    where country is not null and not is_return
    group by customer_id, country
),

ranked_countries as (
    select
        customer_id,
        country,
        row_number() over (partition by customer_id order by orders desc, country asc) as country_rank
    from country_orders
),

customer_places as (
    select
        customer_segments.customer_id,
        customer_segments.segment_name,
        coalesce(ranked_countries.country, customers.region, 'unknown') as country
    from customer_segments
    left join ranked_countries
        on customer_segments.customer_id = ranked_countries.customer_id and ranked_countries.country_rank = 1
    left join customers on customer_segments.customer_id = customers.customer_id
),

segment_mix as (
    select
        country,
        segment_name,
        count(*) as customers
    from customer_places
    group by country, segment_name
),

final as (
    select
        country,
        segment_name,
        customers,
        sum(customers) over (partition by country) as country_customers,
        customers * 1.0 / sum(customers) over (partition by country) as share_of_country,
        (customers * 1.0 / sum(customers) over (partition by country))
        / (sum(customers) over (partition by segment_name) * 1.0 / sum(customers) over ()) as index_vs_all_countries
    from segment_mix
)

select * from final
order by country_customers desc, country asc, customers desc, segment_name asc
