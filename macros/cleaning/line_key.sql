{#- A hash of the given columns' values, nulls included (null and '' differ): compares an order line
    as loaded with the line of the raw file now (tests/sources/assert_loaded_order_files_unchanged.sql). -#}
{% macro line_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce('v' || cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'n')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
