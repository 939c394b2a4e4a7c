-- Customer Personality behaviour in long form: spend per category (last 2 years), purchases per
-- channel, web visits (last month), complaints (last 2 years) and days since the last purchase.
with profiles as (
    select * from {{ ref('stg_customer_personality__profiles') }}
    where parse_error is null
),

activity as (
    {%- set measures = [
        ('spend', 'wine', 'mntwines'), ('spend', 'fruits', 'mntfruits'), ('spend', 'meat', 'mntmeatproducts'),
        ('spend', 'fish', 'mntfishproducts'), ('spend', 'sweets', 'mntsweetproducts'),
        ('spend', 'gold', 'mntgoldprods'),
        ('purchases', 'web', 'numwebpurchases'), ('purchases', 'catalog', 'numcatalogpurchases'),
        ('purchases', 'store', 'numstorepurchases'), ('purchases', 'deals', 'numdealspurchases'),
        ('web_visits', none, 'numwebvisitsmonth'), ('complaints', none, 'complain'),
        ('days_since_last_purchase', none, 'recency'),
    ] %}
    {%- for activity_type, activity_key, column in measures %}
    select
        source_name,
        source_file,
        source_row,
        customer_id,
        '{{ activity_type }}' as activity_type,
        {% if activity_key %}'{{ activity_key }}'{% else %}cast(null as varchar){% endif %} as activity_key,
        cast({{ column }} as double) as value
    from profiles
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from activity
