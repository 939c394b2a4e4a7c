-- One row per customer: every input of the segmentation and response models.
with customers as (
    select * from {{ ref('customers') }}
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

category_spend as (
    select
        customer_id,
        {% for category in ['wine', 'meat', 'fish', 'fruit', 'sweets', 'gold'] %}
        sum(case when product_category = '{{ category }}' then line_amount else 0 end)
            / nullif(sum(line_amount), 0) as spend_share_{{ category }},
        {% endfor %}
        {% for channel in ['web', 'store', 'catalog'] %}
        count(distinct case when sales_channel = '{{ channel }}' then invoice_id end) * 1.0
            / nullif(count(distinct invoice_id), 0) as order_share_{{ channel }}{{ ',' if not loop.last }}
        {% endfor %}
    from order_lines
    where not is_return
    group by customer_id
),

as_of as (
    select max(as_of_date) as as_of_date from rfm
),

final as (
    select
        rfm.customer_id,
        rfm.recency_days,
        rfm.frequency,
        rfm.monetary,
        rfm.average_order_value,
        rfm.tenure_days,
        ln(1 + greatest(rfm.monetary, 0)) as log_monetary,
        ln(1 + rfm.frequency) as log_frequency,
        extract(year from as_of.as_of_date) - customers.birth_year as age,
        customers.income,
        customers.household_size,
        customers.children,
        category_spend.spend_share_wine,
        category_spend.spend_share_meat,
        category_spend.spend_share_fish,
        category_spend.spend_share_fruit,
        category_spend.spend_share_sweets,
        category_spend.spend_share_gold,
        category_spend.order_share_web,
        category_spend.order_share_store,
        category_spend.order_share_catalog
    from rfm
    cross join as_of
    left join customers on rfm.customer_id = customers.customer_id
    left join category_spend on rfm.customer_id = category_spend.customer_id
)

select * from final
