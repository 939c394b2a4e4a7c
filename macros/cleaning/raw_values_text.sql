{#- Returns one text value holding the named columns as `label=value` pairs separated by '; ',
    so a rejected row keeps its raw values whatever its source's columns are.
    labels (optional) names each column in the text; the column names are used by default. -#}
{% macro raw_values_text(columns, labels=none) -%}
    {%- set names = labels if labels else columns -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("'" ~ names[loop.index0] ~ "='") -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'; '") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
