-- Every CoIL 2000 household as a member of the general population. is_customer marks the
-- caravan-policy owners (CARAVAN = 1) of the training file; it is unknown (null) for evaluation
-- households, whose targets are held out.
with households as (
    select * from {{ ref('stg_coil2000__households') }}
    where parse_error is null
),

members as (
    select
        source_name,
        source_file,
        source_row,
        customer_id as person_id,
        cast(null as varchar) as education,
        cast(null as varchar) as marital_status,
        cast(null as varchar) as region,
        cast(null as integer) as birth_year,
        cast(null as integer) as children,
        cast(null as integer) as household_size,
        cast(null as double) as income,
        case when is_training then caravan = 1 end as is_customer
    from households
)

select * from members
