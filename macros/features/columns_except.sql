{#- Returns a comma-separated list `alias.column` of every column of `relation` except `except`
    (the portable form of DuckDB's `select * exclude (...)`); empty at parse time. -#}
{% macro columns_except(relation, except, alias) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set skip = except | map('lower') | list -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower not in skip -%}
            {%- do names.append(alias ~ '.' ~ adapter.quote(column.name) if column.name != column.name | lower else alias ~ '.' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | join(',\n        ')) }}
{%- endmacro %}
