-- The general-population panel: one row per person (CoIL: per household), with the
-- demographics the source has and whether the person is a customer.
with members as (
    select * from {{ ref('int_population_members') }}
),

final as (
    select
        person_id,
        education,
        marital_status,
        region,
        birth_year,
        children,
        household_size,
        income,
        is_customer
    from members
    where person_id is not null
)

select * from final
