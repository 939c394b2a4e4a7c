{#- Spark's raw_file_path (macros/staging/raw_file_path.sql): Spark names a file by its URI
    (file:/abs/path/data/sample/order_lines/part-00000.parquet), so the reference is the part after
    raw_data_dir: after its absolute path when it is absolute, after its last '/<raw_data_dir>/' when relative.
    A path outside raw_data_dir keeps its file name only. Paths with characters a URI escapes (a space: %20) keep
    the escape. -#}
{% macro spark__raw_file_path(path_column) -%}
    {%- set root = raw_data_root() -%}
    {%- set path = "regexp_replace(" ~ path_column ~ ", '^file:/*', '/')" -%}
    {%- if root == '.' -%}
        regexp_replace({{ path }}, '^.*/', '')
    {%- else -%}
        {%- set anchor = '^/' if root.startswith('/') else '^.*/' -%}
        {%- set quoted = '\\\\Q' ~ root.lstrip('/') ~ '\\\\E' -%}
        case
            when {{ path }} rlike '{{ anchor }}{{ quoted | replace("'", "\\'") }}/'
                then regexp_extract({{ path }}, '{{ anchor }}{{ quoted | replace("'", "\\'") }}/(.*)$', 1)
            else regexp_replace({{ path }}, '^.*/', '')
        end
    {%- endif %}
{%- endmacro %}
