-- Customer Personality profiles in the canonical customer shape (one row per raw line).
-- children counts kids and teenagers at home; teens keeps the teenagers apart.
with profiles as (
    select * from {{ ref('stg_customer_personality__profiles') }}
),

renamed as (
    select
        source_name,
        source_file,
        source_row,
        customer_id,
        cast(null as varchar) as person_id,
        education,
        marital_status,
        cast(null as varchar) as region,
        year_birth as birth_year,
        kidhome + teenhome as children,
        teenhome as teens,
        cast(null as integer) as household_size,
        income,
        customer_since,
        parse_error,
        case when parse_error is not null then raw_values end as raw_values
    from profiles
)

select * from renamed
