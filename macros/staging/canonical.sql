{#- Returns the staging relation that feeds a canonical entity (order_lines, customers,
    campaign_responses, population_members) for the data set chosen with var('dataset').
    Only staging models of that data set are enabled, so this is the one switch between sources. -#}
{% macro canonical(entity) -%}
    {{ ref('stg_' ~ requested_dataset() ~ '__' ~ entity) }}
{%- endmacro %}
