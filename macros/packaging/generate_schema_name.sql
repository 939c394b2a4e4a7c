{#- The schema of custseg's models, seeds and tests. In this project: the target's schema, so the public tables
    keep their plain names (a custom schema, such as dbt's dbt_test__audit for stored test failures, is appended to
    it as dbt's default does: main_dbt_test__audit). As a package of another project: var
    custseg_schema (default 'custseg'), so names such as `customers` never collide with the host's own models.
    dbt uses a package's own generate_schema_name for that package's nodes. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is not none -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- elif node.package_name == 'custseg' and project_name != 'custseg' -%}
        {{ var('custseg_schema', 'custseg') | trim }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
