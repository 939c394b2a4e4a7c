-- Customer Personality Analysis (marketing_campaign.csv), one row per raw line, typed.
-- Tab-separated, DD-MM-YYYY dates, LF or CRLF. Read as text so no line is lost: lines the reader
-- cannot parse and values that do not cast keep a parse_error and the raw text.
-- Z_CostContact and Z_Revenue are constant (3 and 11 on every row): read for the quality checks,
-- not passed on to the canonical model.
{%- set pattern = raw_file_pattern('customer_personality__profiles') %}
{%- set delimiter = var('customer_personality_delimiter', '\t') %}
{%- set integer_columns = [
    'ID', 'Year_Birth', 'Kidhome', 'Teenhome', 'Recency',
    'MntWines', 'MntFruits', 'MntMeatProducts', 'MntFishProducts', 'MntSweetProducts', 'MntGoldProds',
    'NumDealsPurchases', 'NumWebPurchases', 'NumCatalogPurchases', 'NumStorePurchases', 'NumWebVisitsMonth',
    'AcceptedCmp1', 'AcceptedCmp2', 'AcceptedCmp3', 'AcceptedCmp4', 'AcceptedCmp5', 'Complain',
    'Z_CostContact', 'Z_Revenue', 'Response',
] %}
{%- set columns = integer_columns + ['Education', 'Marital_Status', 'Income', 'Dt_Customer'] %}
{%- set raw_columns = [] %}
{%- for column in columns %}{% do raw_columns.append('raw_' ~ column | lower) %}{% endfor %}
{{ config(
    materialized='table',
    pre_hook=raw_csv_load_hooks('raw_customer_personality_lines', pattern, delimiter, true),
) }}
{%- set found = raw_csv_columns('customer_personality', pattern, delimiter, true) %}
{%- set wanted = {} %}
{%- for column in columns %}{% do wanted.update({column: [column]}) %}{% endfor %}
{%- do resolve_raw_columns('customer_personality', pattern, delimiter, found, wanted) %}

with raw_lines as (
    {% if execute %}{{ raw_csv_lines('raw_customer_personality_lines', columns, true) }}
    {% else %}select 1 as placeholder{% endif %}
),

text_values as (
    select
        filename,
        source_row,
        parse_error,
        raw_line,
        {%- for column in columns %}
        "{{ column }}" as raw_{{ column | lower }}{{ ',' if not loop.last }}
        {%- endfor %}
    from raw_lines
),

typed as (
    select
        *,
        {%- for column in integer_columns %}
        try_cast(trim(raw_{{ column | lower }}) as integer) as {{ column | lower }},
        {%- endfor %}
        try_cast(trim(raw_income) as double) as income,
        try_strptime(trim(raw_dt_customer), '%d-%m-%Y') as dt_customer
    from text_values
),

final as (
    select
        'customer_personality' as source_name,
        {{ raw_file_path('filename') }} as source_file,
        cast(source_row as bigint) as source_row,
        cast(id as varchar) as customer_id,
        trim(raw_education) as education,
        trim(raw_marital_status) as marital_status,
        {%- for column in integer_columns if column != 'ID' %}
        {{ column | lower }},
        {%- endfor %}
        income,
        cast(dt_customer as date) as customer_since,
        case
            when parse_error is not null then parse_error
            {%- for column in integer_columns %}
            when raw_{{ column | lower }} is not null and {{ column | lower }} is null then 'invalid_{{ column | lower }}'
            {%- endfor %}
            when raw_income is not null and income is null then 'invalid_income'
            when raw_dt_customer is not null and dt_customer is null then 'invalid_dt_customer'
        end as parse_error,
        case
            when parse_error is not null then raw_line
            else {{ raw_values_text(raw_columns, labels=columns) }}
        end as raw_values
    from typed
)

select * from final
