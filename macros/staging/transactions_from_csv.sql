{#- Returns the canonical order-line select for a transactions export read with raw_csv_load_hooks.
    One macro serves UCI Online Retail (both column layouts) and a user's own export, so the typing
    and parse-error rules exist once. Arguments:
      source_name   data set name written to source_name
      raw_table     temporary table the model's pre-hooks loaded
      pattern, delimiter   the raw file(s), for the header check and error messages
      columns       {canonical column: header name or list of accepted header names}; required:
                    invoice_id, stock_code, quantity, unit_price, ordered_at, customer_id;
                    optional: product_description, product_category, sales_channel, country
      date_formats  strptime formats tried in order on ordered_at (e.g. '%Y-%m-%d %H:%M:%S')
    Values that do not cast set parse_error (invalid_quantity, invalid_unit_price, invalid_date)
    and keep the raw text in raw_values. -#}
{% macro transactions_from_csv(source_name, raw_table, pattern, delimiter, columns, date_formats) -%}
    {%- set optional = ['product_description', 'product_category', 'sales_channel', 'country'] -%}
    {%- set required = ['invoice_id', 'stock_code', 'quantity', 'unit_price', 'ordered_at', 'customer_id'] -%}
    {%- set wanted = {} -%}
    {%- for name in required + optional -%}{% do wanted.update({name: columns.get(name, name)}) %}{%- endfor -%}
    {%- set found = raw_csv_columns(source_name, pattern, delimiter, true) -%}
    {%- set mapped = resolve_raw_columns(source_name, pattern, delimiter, found, wanted, optional) -%}
    {%- set used = [] -%}
    {%- for name, column in mapped.items() if column is not none -%}{% do used.append(column) %}{%- endfor -%}
    {%- set text = {} -%}
    {%- for name in required + optional -%}
        {%- do text.update({name: ('raw_lines."' ~ mapped[name] ~ '"') if mapped.get(name) else 'cast(null as varchar)'}) -%}
    {%- endfor -%}
    {%- set formats = [date_formats] if date_formats is string else date_formats -%}

with raw_lines as (
    {% if execute %}{{ raw_csv_lines(raw_table, used, true) }}{% else %}select 1 as placeholder{% endif %}
),

typed as (
    select
        raw_lines.filename,
        raw_lines.source_row,
        raw_lines.parse_error as reader_error,
        raw_lines.raw_line,
        {{ text['invoice_id'] }} as invoice_id,
        {{ text['stock_code'] }} as stock_code,
        {{ text['product_description'] }} as product_description,
        {{ text['product_category'] }} as product_category,
        {{ text['sales_channel'] }} as sales_channel,
        {{ text['country'] }} as country,
        -- Exports written by spreadsheets carry ids as floats (17850.0): keep the integer text.
        regexp_replace(trim({{ text['customer_id'] }}), '\.0*$', '') as customer_id,
        {{ text['quantity'] }} as quantity_text,
        {{ text['unit_price'] }} as unit_price_text,
        {{ text['ordered_at'] }} as ordered_at_text,
        try_cast(trim({{ text['quantity'] }}) as double) as quantity,
        try_cast(trim({{ text['unit_price'] }}) as double) as unit_price,
        try_strptime(trim({{ text['ordered_at'] }}), {{ formats | tojson | replace('"', "'") }}) as ordered_at
    from raw_lines
),

final as (
    select
        '{{ source_name }}' as source_name,
        {{ raw_file_path('filename') }} as source_file,
        cast(source_row as bigint) as source_row,
        invoice_id,
        stock_code,
        product_description,
        product_category,
        sales_channel,
        country,
        nullif(customer_id, '') as customer_id,
        quantity,
        unit_price,
        cast(ordered_at as timestamp) as ordered_at,
        case
            when reader_error is not null then reader_error
            when quantity is null and quantity_text is not null then 'invalid_quantity'
            when unit_price is null and unit_price_text is not null then 'invalid_unit_price'
            when ordered_at is null and ordered_at_text is not null then 'invalid_date'
        end as parse_error,
        case
            when reader_error is not null then raw_line
            when (quantity is null and quantity_text is not null)
                or (unit_price is null and unit_price_text is not null)
                or (ordered_at is null and ordered_at_text is not null)
                then {{ raw_values_text(['invoice_id', 'stock_code', 'product_description', 'customer_id',
                                         'quantity_text', 'unit_price_text', 'ordered_at_text', 'country']) }}
        end as raw_values
    from typed
)

select * from final
{%- endmacro %}
