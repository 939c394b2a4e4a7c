-- Every person of the synthetic general population, in the canonical population shape.
with population as (
    select * from {{ raw_parquet('sample', 'population') }}
),

customers as (
    select distinct person_id from {{ raw_parquet('sample', 'customers') }}
),

renamed as (
    select
        'sample' as source_name,
        {{ raw_file_path('population.filename') }} as source_file,
        cast(population.file_row_number + 1 as bigint) as source_row,
        cast(population.person_id as string) as person_id,
        cast(population.education as string) as education,
        cast(population.marital_status as string) as marital_status,
        cast(population.region as string) as region,
        cast(population.birth_year as integer) as birth_year,
        cast(population.children as integer) as children,
        cast(population.household_size as integer) as household_size,
        cast(population.income as double) as income,
        customers.person_id is not null as is_customer
    from population
    left join customers on population.person_id = customers.person_id
)

select * from renamed
