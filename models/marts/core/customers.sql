-- Clean customer profiles: one row per customer, with the demographics the source has.
with customers as (
    select * from {{ ref('int_customers') }}
),

deduplicated as (
    select
        *,
        row_number() over (partition by customer_id order by source_file, source_row) as profile_rank
    from customers
    where customer_id is not null
),

final as (
    select
        customer_id,
        person_id,
        education,
        marital_status,
        region,
        birth_year,
        children,
        household_size,
        income,
        customer_since
    from deduplicated
    where profile_rank = 1
)

select * from final
