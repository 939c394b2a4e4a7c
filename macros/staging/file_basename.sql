{#- Returns the file name (without folders) of a path column, so row references do not
    carry the machine's directories. -#}
{% macro file_basename(path_column) -%}
    {{ return(adapter.dispatch('file_basename', 'custseg')(path_column)) }}
{%- endmacro %}

{% macro default__file_basename(path_column) -%}
    regexp_replace({{ path_column }}, '^.*[/\\\\]', '')
{%- endmacro %}
