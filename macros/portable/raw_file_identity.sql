{#- Spark's record_loaded_raw_files (macros/staging/raw_file_identity.sql): no statement. The raw files'
    identity (size, SHA-256) is computed by a DuckDB plugin only, so off DuckDB nothing is recorded or checked
    (assert_raw_files_unchanged skips it too), and Spark's Parquet tables have no `create or replace`. -#}
{% macro spark__record_loaded_raw_files() -%}
    {{ return('') }}
{%- endmacro %}
