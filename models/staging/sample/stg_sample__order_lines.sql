-- Sample order lines in the canonical order-line shape (every raw row, nothing filtered).
with source as (
    select * from {{ raw_parquet('sample', 'order_lines') }}
),

renamed as (
    select
        'sample' as source_name,
        {{ raw_file_path('filename') }} as source_file,
        cast(file_row_number + 1 as bigint) as source_row,
        cast(invoice_no as string) as invoice_id,
        cast(stock_code as string) as stock_code,
        cast(description as string) as product_description,
        cast(category as string) as product_category,
        cast(channel as string) as sales_channel,
        cast(null as string) as country,
        cast(customer_id as string) as customer_id,
        cast(quantity as double) as quantity,
        cast(unit_price as double) as unit_price,
        cast(invoice_date as timestamp) as ordered_at,
        -- Parquet parts are typed: nothing to fail parsing.
        cast(null as string) as parse_error,
        cast(null as string) as raw_values
    from source
)

select * from renamed
