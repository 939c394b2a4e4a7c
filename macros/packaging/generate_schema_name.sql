{#- The schema of custseg's models, seeds and tests. In this project: the target's schema (a custom schema is
    used as given), so the public tables keep their plain names. As a package of another project: var
    custseg_schema (default 'custseg'), so names such as `customers` never collide with the host's own models.
    dbt uses a package's own generate_schema_name for that package's nodes. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is not none -%}
        {{ custom_schema_name | trim }}
    {%- elif node.package_name == 'custseg' and project_name != 'custseg' -%}
        {{ var('custseg_schema', 'custseg') | trim }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
