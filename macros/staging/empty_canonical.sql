{#- Returns a select of zero rows with the columns and types of a canonical entity's contract
    (models/intermediate/canonical/_canonical__models.yml), for data sets that lack the entity:
    every downstream table then exists, empty, for every data set. -#}
{% macro empty_canonical(entity) -%}
    {%- set node = graph.nodes.get('model.custseg.int_' ~ entity) if execute else none -%}
    {%- if execute and node is none -%}
        {{ exceptions.raise_compiler_error("empty_canonical: no canonical model int_" ~ entity) }}
    {%- endif -%}
    {%- if node is none %}
select cast(null as {{ dbt.type_string() }}) as source_name where 1 = 0
    {%- else %}
select
        {%- for column in node.columns.values() %}
    cast(null as {{ column.data_type }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
where 1 = 0
    {%- endif %}
{%- endmacro %}
