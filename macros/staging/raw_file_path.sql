{#- Returns the path of a raw file relative to var('raw_data_dir') (its folders under it kept, the machine's
    directories dropped): a raw line's file reference. Two exports with the same name in two folders
    (2023/orders.csv, 2024/orders.csv) stay two files, and moving the raw folder changes no reference.
    A path outside raw_data_dir keeps its file name only. -#}
{% macro raw_file_path(path_column) -%}
    {{ return(adapter.dispatch('raw_file_path', 'custseg')(path_column)) }}
{%- endmacro %}

{% macro default__raw_file_path(path_column) -%}
    {%- set root = (var('raw_data_dir') | string).replace('\\', '/').rstrip('/') ~ '/' -%}
    {%- set path = "replace(" ~ path_column ~ ", chr(92), '/')" -%}
    case
        when left({{ path }}, {{ root | length }}) = '{{ root | replace("'", "''") }}'
            then ltrim(substring({{ path }}, {{ root | length + 1 }}), '/')
        else regexp_replace({{ path }}, '^.*/', '')
    end
{%- endmacro %}
