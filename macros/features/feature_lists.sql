{#- The fixed lists of spend categories and sales channels that become feature columns
    (spend_<category>, spend_share_<category>, purchases_<channel>, channel_share_<channel>).
    Source keys map onto them through the seed activity_keys. -#}
{% macro spend_categories() -%}
    {{ return(['wine', 'fruit', 'meat', 'fish', 'sweets', 'gold']) }}
{%- endmacro %}

{% macro sales_channels() -%}
    {{ return(['web', 'store', 'catalog']) }}
{%- endmacro %}

{#- The 85 coded household attributes (seed coil2000_attributes, positions 1-85) as a list of
    (attribute_position, attribute_label); empty at parse time. -#}
{% macro household_attribute_columns() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select attribute_position, attribute_label from " ~ ref('coil2000_attributes')
        ~ " where attribute_position between 1 and 85 order by attribute_position") -%}
    {{ return(rows.rows | list) }}
{%- endmacro %}

{#- log1p of an amount, in SQL: ln(1 + x) for x >= 0 (negatives, e.g. net revenue after returns, count as 0). -#}
{% macro log1p(column) -%}
    case when {{ column }} is not null then ln(1 + greatest({{ column }}, 0)) end
{%- endmacro %}
