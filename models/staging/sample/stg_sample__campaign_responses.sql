-- Sample campaign mailings and responses, canonical shape.
with responses as (
    select * from {{ raw_parquet('sample', 'campaign_responses') }}
),

renamed as (
    select
        'sample' as source_name,
        {{ raw_file_path('filename') }} as source_file,
        cast(file_row_number + 1 as bigint) as source_row,
        cast(customer_id as string) as customer_id,
        cast(campaign_id as string) as campaign_id,
        cast(responded as integer) as responded,
        cast(mailed_at as date) as mailed_at
    from responses
)

select * from renamed
