-- Sample order lines in the canonical order-line shape (every raw row, nothing filtered).
with source as (
    select * from {{ source('sample', 'order_lines') }}
),

renamed as (
    select
        'sample' as source_name,
        {{ raw_file_path('filename') }} as source_file,
        cast(file_row_number + 1 as bigint) as source_row,
        cast(invoice_no as varchar) as invoice_id,
        cast(stock_code as varchar) as stock_code,
        cast(description as varchar) as product_description,
        cast(category as varchar) as product_category,
        cast(channel as varchar) as sales_channel,
        cast(null as varchar) as country,
        cast(customer_id as varchar) as customer_id,
        cast(quantity as double) as quantity,
        cast(unit_price as double) as unit_price,
        cast(invoice_date as timestamp) as ordered_at,
        -- Parquet parts are typed: nothing to fail parsing.
        cast(null as varchar) as parse_error,
        cast(null as varchar) as raw_values
    from source
)

select * from renamed
