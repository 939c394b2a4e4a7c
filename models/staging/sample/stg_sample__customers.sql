-- Sample customers with their demographics (looked up in the population), canonical shape.
with customers as (
    select * from {{ raw_parquet('sample', 'customers') }}
),

population as (
    select * from {{ raw_parquet('sample', 'population') }}
),

renamed as (
    select
        'sample' as source_name,
        {{ raw_file_path('customers.filename') }} as source_file,
        cast(customers.file_row_number + 1 as bigint) as source_row,
        cast(customers.customer_id as string) as customer_id,
        cast(customers.person_id as string) as person_id,
        cast(population.education as string) as education,
        cast(population.marital_status as string) as marital_status,
        cast(population.region as string) as region,
        cast(population.birth_year as integer) as birth_year,
        cast(population.children as integer) as children,
        cast(population.household_size as integer) as household_size,
        cast(population.income as double) as income,
        cast(null as integer) as teens,
        cast(customers.signed_up_at as date) as customer_since,
        cast(null as string) as parse_error,
        cast(null as string) as raw_values
    from customers
    left join population on customers.person_id = population.person_id
)

select * from renamed
