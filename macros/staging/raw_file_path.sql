{#- Returns the path of a raw file relative to var('raw_data_dir') (its folders under it kept, the machine's
    directories dropped): a raw line's file reference. Two exports with the same name in two folders
    (2023/orders.csv, 2024/orders.csv) stay two files, and moving the raw folder changes no reference.
    A path outside raw_data_dir keeps its file name only. -#}
{% macro raw_file_path(path_column) -%}
    {{ return(adapter.dispatch('raw_file_path', 'custseg')(path_column)) }}
{%- endmacro %}

{#- DuckDB names a file found by a glob with its path normalized ('./', '//' and 'x/..' removed) and a file given
    by name as written: both forms of raw_data_dir are recognised. -#}
{% macro default__raw_file_path(path_column) -%}
    {%- set written = (var('raw_data_dir') | string).replace('\\', '/').rstrip('/') ~ '/' -%}
    {%- set normal = raw_data_root() -%}
    {%- set path = "replace(" ~ path_column ~ ", chr(92), '/')" -%}
    case
        when left({{ path }}, {{ written | length }}) = '{{ written | replace("'", "''") }}'
            then ltrim(substring({{ path }}, {{ written | length + 1 }}), '/')
        {%- if normal == '.' %}
        else regexp_replace({{ path }}, '^(\./)+', '')
        {%- else %}
        when left({{ path }}, {{ normal | length + 1 }}) = '{{ normal | replace("'", "''") }}/'
            then substring({{ path }}, {{ normal | length + 2 }})
        else regexp_replace({{ path }}, '^.*/', '')
        {%- endif %}
    end
{%- endmacro %}

{#- var('raw_data_dir') normalized as a path ('.' and empty parts dropped, 'x/..' resolved; '.' for the current
    folder), without a trailing '/'. -#}
{% macro raw_data_root() -%}
    {%- set text = (var('raw_data_dir') | string).replace('\\', '/') -%}
    {%- set parts = [] -%}
    {%- for part in text.split('/') if part not in ('', '.') -%}
        {%- if part == '..' and parts and parts[-1] != '..' -%}
            {%- do parts.pop() -%}
        {%- else -%}
            {%- do parts.append(part) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(('/' if text.startswith('/') else '') ~ (parts | join('/') or ('' if text.startswith('/') else '.'))) }}
{%- endmacro %}
