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
