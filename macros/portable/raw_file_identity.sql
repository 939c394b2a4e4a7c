{#- The raw files' identity on Spark (macros/staging/raw_file_identity.sql). The custsegspark adapter (a local
    SparkSession in the dbt process) computes each file's size and SHA-256 with the same code as DuckDB's plugin
    (adapter.custseg_raw_input: custseg.raw_input.files), so a Spark build records the files it loaded and the
    on-run-start check stops a build whose loaded file changed, as on DuckDB. dbt-spark's own adapter (thrift,
    Databricks) has no such method: nothing is recorded or checked there. -#}

{% macro custsegspark__raw_identity_checked() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro custsegspark__raw_gzip_problem(path) -%}
    {{ return(adapter.custseg_raw_input('gzip_problem', path)) }}
{%- endmacro %}

{% macro custsegspark__loaded_raw_files_now(loaded) -%}
    {%- set recorded = run_query("select source_file, read_settings, file_bytes, rows_loaded, content_hash from "
                                 ~ loaded ~ " order by source_file") -%}
    {%- set rows = [] -%}
    {%- for row in recorded.rows -%}
        {%- set path = raw_file_folder() ~ row['source_file'] -%}
        {%- do rows.append({
            'source_file': row['source_file'], 'read_settings': row['read_settings'],
            'file_bytes': row['file_bytes'], 'rows_loaded': row['rows_loaded'],
            'bytes_now': adapter.custseg_raw_input('file_bytes', path),
            'is_unchanged': adapter.custseg_raw_input('digest', path, row['file_bytes']) == row['content_hash'],
        }) -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}

{#- The table of loaded raw files, written again after every merge: Spark's Parquet tables take no `create or
    replace`, so the old one is dropped first. -#}
{% macro custsegspark__record_loaded_raw_files() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set files = run_query("select source_file, max(source_row) as rows_loaded from " ~ this
                              ~ " group by source_file order by source_file") -%}
    {%- set rows = [] -%}
    {%- for file in files.rows -%}
        {%- set path = raw_file_folder() ~ file[0] -%}
        {%- set size = adapter.custseg_raw_input('file_bytes', path) -%}
        {%- set digest = adapter.custseg_raw_input('digest', path) -%}
        {%- do rows.append("(" ~ text_literal(file[0]) ~ ", " ~ (size if size is not none else 'null') ~ ", "
                           ~ (text_literal(digest) if digest is not none else 'null') ~ ", " ~ file[1] ~ ")") -%}
    {%- endfor -%}
    {%- do run_query("drop table if exists " ~ loaded_raw_files_relation(this)) -%}
create table {{ loaded_raw_files_relation(this) }} using parquet as
select
    cast(source_file as string) as source_file,
    cast({{ text_literal(var('dataset')) }} as string) as dataset,
    cast({{ text_literal(raw_read_settings()) }} as string) as read_settings,
    cast(file_bytes as bigint) as file_bytes,
    cast(content_hash as string) as content_hash,
    cast(rows_loaded as bigint) as rows_loaded
from values {{ rows | join(', ') if rows else '(null, null, null, null)' }}
    as loaded (source_file, file_bytes, content_hash, rows_loaded)
{%- if not rows %}
where false
{%- endif %}
{%- endmacro %}

{#- dbt-spark's own adapter: no identity, no record (its Parquet tables take no `create or replace`). -#}
{% macro spark__record_loaded_raw_files() -%}
    {{ return('') }}
{%- endmacro %}
