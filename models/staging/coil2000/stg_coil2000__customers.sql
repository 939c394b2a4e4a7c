-- Every CoIL 2000 household (training and evaluation) as a customer. The source has no personal
-- profile: demographics are zip-code level attributes, in stg_coil2000__household_attributes.
with households as (
    select * from {{ ref('stg_coil2000__households') }}
),

renamed as (
    select
        source_name,
        source_file,
        source_row,
        customer_id,
        cast(null as varchar) as person_id,
        cast(null as varchar) as education,
        cast(null as varchar) as marital_status,
        cast(null as varchar) as region,
        cast(null as integer) as birth_year,
        cast(null as integer) as children,
        cast(null as integer) as household_size,
        cast(null as double) as income,
        cast(null as integer) as teens,
        cast(null as date) as customer_since,
        parse_error,
        raw_values
    from households
)

select * from renamed
