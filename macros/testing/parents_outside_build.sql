{#- Returns the names of the models and seeds the current test reads (its depends_on) that the running
    `dbt build` does not build. dbt selects a test when any model it reads is selected (eager indirect
    selection), so a build of a selection such as `-s +campaign_targets` would run a test that also reads a
    model outside it, missing or left from an older build. Empty for any other command (`dbt test` checks the
    tables as they are) and for a build of every model the test reads. -#}
{% macro parents_outside_build() -%}
    {%- set outside = [] -%}
    {%- if execute and flags.WHICH == 'build' -%}
        {%- for node_id in model.depends_on.nodes
                if node_id.split('.')[0] in ('model', 'seed', 'snapshot') and node_id not in selected_resources -%}
            {%- do outside.append(node_id.split('.')[-1]) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(outside) }}
{%- endmacro %}

{#- The body of a test skipped because it reads `outside` (parents_outside_build()): no rows, and a log line
    that names the test, the models and the fix. -#}
{% macro skipped_test(outside) -%}
    {% do log("custseg: test " ~ model.name ~ " skipped: it reads " ~ outside | join(', ')
              ~ ", which this build does not build (select them too, or run `dbt test`)", info=true) %}
    select 1 as skipped where 1 = 0
{%- endmacro %}
