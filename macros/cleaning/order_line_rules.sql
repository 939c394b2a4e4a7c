{#- Cleaning rules for order lines, one macro each, so the staging models of every source
    and the tests share a single definition. Each returns a boolean SQL expression. -#}

{#- A cancellation/return: the invoice number starts with C (UCI Online Retail convention). -#}
{% macro is_cancellation(invoice_column) -%}
    coalesce(upper({{ invoice_column }}) like 'C%', false)
{%- endmacro %}

{#- A line that no customer can be credited with. -#}
{% macro is_missing_customer(customer_column) -%}
    ({{ customer_column }} is null or trim({{ customer_column }}) = '')
{%- endmacro %}

{#- Postage, fees, manual adjustments, vouchers: stock codes listed in the seed
    non_product_stock_codes (exact code or a LIKE pattern), or that do not start with a digit. -#}
{% macro is_non_product(stock_code_column) -%}
    (
        {{ stock_code_column }} is null
        or substr({{ stock_code_column }}, 1, 1) not between '0' and '9'
        or exists (
            select 1 from {{ ref('non_product_stock_codes') }} as npc
            where upper({{ stock_code_column }}) like upper(npc.stock_code_pattern)
        )
    )
{%- endmacro %}

{#- The window of plausible order dates, var order_date_window {earliest, days_after_build}: from
    `earliest` (default 1990-01-01) up to the end of the build's wall-clock day (UTC) plus `days_after_build`
    (default 1). A line dated outside it (2999-12-31, 1900-01-01) is quarantined, so it never moves the
    as-of date. Returns [first plausible timestamp, first implausible timestamp] as SQL literals. -#}
{% macro order_date_window() -%}
    {%- set window = var('order_date_window', {}) or {} -%}
    {%- set earliest = window.get('earliest', '1990-01-01') | string -%}
    {%- set days_after = window.get('days_after_build', 1) | int -%}
    {%- set build_day = modules.datetime.datetime.strptime(run_started_at.strftime('%Y-%m-%d'), '%Y-%m-%d') -%}
    {%- set latest = (build_day + modules.datetime.timedelta(days=days_after + 1)).strftime('%Y-%m-%d') -%}
    {{ return([
        "cast(" ~ dbt.string_literal(earliest) ~ " as timestamp)",
        "cast(" ~ dbt.string_literal(latest) ~ " as timestamp)",
    ]) }}
{%- endmacro %}

{#- An order date outside order_date_window(). -#}
{% macro is_implausible_order_date(date_column) -%}
    {%- set window = order_date_window() -%}
    coalesce({{ date_column }} < {{ window[0] }} or {{ date_column }} >= {{ window[1] }}, false)
{%- endmacro %}
