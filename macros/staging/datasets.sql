{#- The data sets this project builds (var `dataset`): one staging folder each, models/staging/<name>/. -#}
{% macro custseg_datasets() -%}
    {{ return(['sample', 'online_retail', 'customer_personality', 'coil2000', 'user']) }}
{%- endmacro %}

{#- Returns var('dataset'), or stops with the valid names when it is none of them (`DATASET=onlineretail`). -#}
{% macro requested_dataset() -%}
    {%- set dataset = var('dataset') -%}
    {%- if dataset not in custseg_datasets() -%}
        {{ exceptions.raise_compiler_error(
            "custseg: unknown data set '" ~ dataset ~ "' (var dataset / make DATASET=). Valid data sets: "
            ~ custseg_datasets() | join(', ') ~ ". E.g. make build DATASET=online_retail") }}
    {%- endif -%}
    {{ return(dataset) }}
{%- endmacro %}
