{#- Returns the canonical order-line select for a transactions export read with raw_export_load_hooks.
    One macro serves UCI Online Retail (both column layouts) and a user's own export, so the typing
    and parse-error rules exist once. Arguments:
      source_name   data set name written to source_name
      raw_table     temporary table the model's pre-hooks loaded
      pattern       the raw file(s), for the header check and error messages
      options       the reader and number options of raw_export_load_hooks and parse_number
                    (label, delimiter, quote, escape, encoding, max_line_size, strict_mode,
                    decimal_separator, thousands_separator, currency_symbols)
      columns       {canonical column: header name or list of accepted header names}; required:
                    invoice_id, stock_code, quantity, unit_price, ordered_at, customer_id;
                    optional: product_description, product_category, sales_channel, country
      date_formats  strptime formats (e.g. '%Y-%m-%d %H:%M:%S'); each file is read with ONE of them, the
                    first that parses every date any of them parses; a file that needs two stops the build
    Keys (invoice, stock code, customer, country) are trimmed. Values that do not cast set parse_error
    (invalid_quantity, invalid_unit_price, invalid_date) and keep the raw text in raw_values. -#}
{% macro transactions_from_csv(source_name, raw_table, pattern, options, columns, date_formats) -%}
    {%- set optional = ['product_description', 'product_category', 'sales_channel', 'country'] -%}
    {%- set required = ['invoice_id', 'stock_code', 'quantity', 'unit_price', 'ordered_at', 'customer_id'] -%}
    {%- set wanted = {} -%}
    {%- for name in required + optional -%}{% do wanted.update({name: columns.get(name, name)}) %}{%- endfor -%}
    {%- set found = raw_csv_header(options.label, pattern, options) -%}
    {%- set mapped = resolve_raw_columns(options.label, pattern, options.delimiter, found, wanted, optional) -%}
    {%- set found_lower = found | map('lower') | list -%}
    {%- set used = [] -%}
    {%- set text = {} -%}
    {%- for name in required + optional -%}
        {%- set header = mapped.get(name) -%}
        {%- if header is not none -%}
            {%- if found_lower.count(header | lower) > 1 -%}
                {{ exceptions.raise_compiler_error(
                    options.label ~ ": raw file '" ~ pattern ~ "' has " ~ found_lower.count(header | lower)
                    ~ " columns named '" ~ header ~ "' (column " ~ name ~ " would read the first one only). "
                    ~ "Fix: rename the columns in the export so that each name is unique.") }}
            {%- endif -%}
            {%- set position = 'c' ~ found_lower.index(header | lower) -%}
            {%- do used.append(position) -%}
            {%- do text.update({name: "nullif(raw_lines." ~ adapter.quote(position) ~ ", '')"}) -%}
        {%- else -%}
            {%- do text.update({name: 'cast(null as ' ~ csv_text_type() ~ ')'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set all_columns = [] -%}
    {%- for index in range(found | length + 1) -%}{%- do all_columns.append('c' ~ index) -%}{%- endfor -%}
    {%- set last_column = 'raw_lines.' ~ adapter.quote('c' ~ (found | length - 1)) -%}
    {%- set extra_column = 'raw_lines.' ~ adapter.quote('c' ~ (found | length)) -%}
    {%- set formats = [date_formats] if date_formats is string else date_formats -%}
    {%- set date_column = mapped.get('ordered_at') | string -%}
    {%- set number = {
        'decimal_separator': options.get('decimal_separator', '.'),
        'thousands_separator': options.get('thousands_separator', ''),
        'currency_symbols': options.get('currency_symbols', []),
    } -%}

with raw_lines as (
    {% if execute %}{{ raw_csv_lines(raw_table, all_columns, true) }}{% else %}select 1 as placeholder{% endif %}
),

typed as (
    select
        raw_lines.filename,
        raw_lines.source_row,
        -- Empty fields are read as '' and missing ones as null (raw_export_create): a null last column is a
        -- line with too few fields; the extra column holds the first field of a line with too many.
        case
            when raw_lines.parse_error is not null then raw_lines.parse_error
            when {{ extra_column }} is not null then 'unparseable_line: too many columns'
            when {{ last_column }} is null then 'unparseable_line: missing columns'
        end as reader_error,
        coalesce(raw_lines.raw_line, concat_ws({{ dbt.string_literal(options.delimiter) }}
            {%- for column in all_columns %}, raw_lines.{{ adapter.quote(column) }}{% endfor %})) as raw_line,
        {{ trimmed_text(text['invoice_id']) }} as invoice_id,
        {{ trimmed_text(text['stock_code']) }} as stock_code,
        {{ text['product_description'] }} as product_description,
        {{ text['product_category'] }} as product_category,
        {{ text['sales_channel'] }} as sales_channel,
        {{ trimmed_text(text['country']) }} as country,
        -- Exports written by spreadsheets carry ids as floats (17850.0): keep the integer text.
        {{ regex_replace_all(trimmed_text(text['customer_id']), '\\.0*$', '') }} as customer_id,
        {{ text['quantity'] }} as quantity_text,
        {{ text['unit_price'] }} as unit_price_text,
        {{ text['ordered_at'] }} as ordered_at_text,
        nullif({{ trimmed_text(text['ordered_at']) }}, '') as ordered_at_trimmed,
        {{ parse_number(text['quantity'], **number) }} as quantity,
        {{ parse_number(text['unit_price'], **number) }} as unit_price
    from raw_lines
),

-- One date format per file: the first that parses every date that any format parses. Choosing per line
-- would read 03/04/2011 as 3 April on one line and 4 March on the next.
format_fit as (
    select
        filename,
        count(
            case when
                {%- for date_format in formats %}
                {% if not loop.first %}or {% endif %}{{ parse_timestamp('ordered_at_trimmed', date_format) }} is not null
                {%- endfor %}
                then 1
            end
        ) as parseable,
        {%- for date_format in formats %}
        count({{ parse_timestamp('ordered_at_trimmed', date_format) }}) as parsed_{{ loop.index0 }}{{ ',' if not loop.last }}
        {%- endfor %}
    from typed
    group by filename
),

chosen_formats as (
    select
        filename,
        case
            {%- for date_format in formats %}
            when parsed_{{ loop.index0 }} = parseable then {{ loop.index0 }}
            {%- endfor %}
            else cast({{ sql_error_function() }}(
                '{{ options.label }}: raw file ''' || {{ raw_file_path('filename') }} || ''' column '
                || '''{{ date_column | replace("'", "''") }}'': no single date format parses every date ('
                {%- for date_format in formats %}
                || '{{ date_format | replace("'", "''") }} parses ' || parsed_{{ loop.index0 }} || '{{ ", " if not loop.last }}'
                {%- endfor %}
                || ' of ' || parseable || '): the file mixes date formats. Fix: export one date format, or '
                || 'split the file so each part has one, and list the formats in date_formats.'
            ) as integer)
        end as format_index
    from format_fit
),

dated as (
    select
        typed.*,
        case chosen_formats.format_index
            {%- for date_format in formats %}
            when {{ loop.index0 }} then {{ parse_timestamp('typed.ordered_at_trimmed', date_format) }}
            {%- endfor %}
        end as ordered_at
    from typed
    inner join chosen_formats on typed.filename = chosen_formats.filename
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
            when ordered_at is null and ordered_at_trimmed is not null then 'invalid_date'
        end as parse_error,
        case
            when reader_error is not null then raw_line
            when (quantity is null and quantity_text is not null)
                or (unit_price is null and unit_price_text is not null)
                or (ordered_at is null and ordered_at_trimmed is not null)
                then {{ raw_values_text(['invoice_id', 'stock_code', 'product_description', 'customer_id',
                                         'quantity_text', 'unit_price_text', 'ordered_at_text', 'country']) }}
        end as raw_values
    from dated
)

select * from final
{%- endmacro %}
