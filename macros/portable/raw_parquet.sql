{#- Returns the relation a staging model reads the Parquet parts of a source table from (the sample world),
    with two columns beside the file's own: `filename` (the path of the part the row is in) and
    `file_row_number` (the row's position in that part, from 0). DuckDB: the source itself, which dbt-duckdb
    renders from the source's meta external_location (read_parquet with filename and file_row_number). -#}
{% macro raw_parquet(source_name, table_name) -%}
    {{ return(adapter.dispatch('raw_parquet', 'custseg')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__raw_parquet(source_name, table_name) -%}
    {{ return(source(source_name, table_name)) }}
{%- endmacro %}

{#- Spark: the same files read by path (the source's meta parquet_files, `{name}` its table name), with the file
    and row from Spark's hidden _metadata column. source() is still called, so the lineage stays the same. -#}
{% macro spark__raw_parquet(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}{{ return(relation) }}{%- endif -%}
    {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
    {%- set pattern = (node.meta.get('parquet_files') if node else none) or (node.source_meta.get('parquet_files') if node else none) -%}
    {%- if not pattern -%}
        {{ exceptions.raise_compiler_error("raw_parquet: source " ~ source_name ~ "." ~ table_name
                                           ~ " has no meta parquet_files (the path of its Parquet parts)") }}
    {%- endif -%}
    {%- set path = pattern.replace('{name}', table_name) -%}
    {{ return("(select *, _metadata.file_path as filename, _metadata.row_index as file_row_number from parquet.`"
              ~ path ~ "`) as raw_" ~ table_name) }}
{%- endmacro %}
