-- Each order line with one flag per cleaning rule and the single reason it is rejected, if any.
-- Flags are independent (a cancellation may also lack a customer), so flag counts match the
-- documented quirks of each source; reject_reason takes the first failing rule in priority order,
-- starting with lines the reader could not parse or type (parse_error from staging).
with order_lines as (
    select * from {{ ref('int_order_lines') }}
),

flagged as (
    select
        *,
        {{ is_missing_customer('customer_id') }} as is_missing_customer,
        {{ is_cancellation('invoice_id') }} as is_cancellation,
        {{ is_non_product('stock_code') }} as is_non_product,
        coalesce(unit_price <= 0, true) as has_non_positive_price,
        coalesce(quantity = 0, true) as has_zero_quantity,
        coalesce(quantity < 0 and not {{ is_cancellation('invoice_id') }}, false) as is_unexplained_negative,
        ordered_at is null as is_missing_date,
        row_number() over (
            partition by
                invoice_id, stock_code, product_description, product_category, sales_channel,
                country, customer_id, quantity, unit_price, ordered_at
            order by source_file, source_row
        ) > 1 as is_exact_duplicate
    from order_lines
),

classified as (
    select
        *,
        case
            when parse_error is not null then parse_error
            when is_missing_date then 'missing_date'
            when is_missing_customer then 'missing_customer_id'
            when is_exact_duplicate then 'exact_duplicate'
            when is_non_product then 'non_product_stock_code'
            when has_non_positive_price then 'non_positive_price'
            when has_zero_quantity then 'zero_quantity'
            when is_unexplained_negative then 'negative_quantity_not_cancellation'
        end as reject_reason
    from flagged
)

select * from classified
