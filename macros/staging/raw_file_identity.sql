{#- A raw file's identity is its content: its size and the SHA-256 of its bytes (custseg.raw_input.files,
    registered as SQL functions by the profile's plugin custseg.raw_input.dbt_plugin). The incremental order
    lines (int_order_lines__classified, int_order_line_totals) read only each file's lines beyond those loaded,
    so a file changed in place would be served stale. record_loaded_raw_files, the post-hook of
    int_order_lines__classified (in the merge's transaction, whatever the selection), records the identity of
    every file loaded in the table int_order_lines__loaded_files; assert_raw_files_unchanged (an on-run-start
    hook, before any node runs) stops the build when a loaded file is gone, shorter, or its loaded bytes
    differ, naming the file and the command that rebuilds it. A file that only grew (appended lines) keeps its
    first bytes and stays incremental. -#}

{#- SQL for the size in bytes of the raw file at path_sql (null when missing). -#}
{% macro raw_file_bytes(path_sql) -%}
    {{ return(adapter.dispatch('raw_file_bytes', 'custseg')(path_sql)) }}
{%- endmacro %}

{% macro default__raw_file_bytes(path_sql) -%}
    cast(null as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__raw_file_bytes(path_sql) -%}
    custseg_file_bytes({{ path_sql }})
{%- endmacro %}

{#- SQL for the SHA-256 of the first length_sql bytes of the raw file at path_sql (-1: all of them); null when
    the file is missing or shorter. Elsewhere than DuckDB null: no identity is recorded or checked. -#}
{% macro raw_file_digest(path_sql, length_sql='-1') -%}
    {{ return(adapter.dispatch('raw_file_digest', 'custseg')(path_sql, length_sql)) }}
{%- endmacro %}

{% macro default__raw_file_digest(path_sql, length_sql) -%}
    cast(null as {{ dbt.type_string() }})
{%- endmacro %}

{% macro duckdb__raw_file_digest(path_sql, length_sql) -%}
    custseg_file_digest({{ path_sql }}, {{ length_sql }})
{%- endmacro %}

{#- SQL for the full path of a raw file from its reference (raw_file_path: relative to raw_data_dir). -#}
{% macro raw_file_full_path(source_file_sql) -%}
    '{{ raw_file_folder() | replace("'", "''") }}' || {{ source_file_sql }}
{%- endmacro %}

{#- The folder raw file references are relative to, with a trailing '/'. -#}
{% macro raw_file_folder() -%}
    {{ return(raw_data_root().rstrip('/') ~ '/') }}
{%- endmacro %}

{#- Text of the settings that decide how the order lines' raw files are read (which files, how they are parsed):
    loaded lines read with other settings must not be mixed with new ones. raw_data_dir is not among them: the
    same files in another folder are the same files. -#}
{% macro raw_read_settings() -%}
    {%- set dataset = var('dataset') -%}
    {%- set settings = {'dataset': dataset, 'raw_files': var('raw_files', {}) or {}} -%}
    {%- if dataset == 'user' -%}
        {%- do settings.update({'user_mapping': user_mapping()}) -%}
    {%- elif dataset == 'online_retail' -%}
        {%- do settings.update({'online_retail_delimiter': var('online_retail_delimiter', ','),
                                'online_retail_date_formats': var('online_retail_date_formats', none)}) -%}
    {%- endif -%}
    {{ return(tojson(settings, sort_keys=true)) }}
{%- endmacro %}

{#- The one command that rebuilds the incremental tables of this data set from the files as they are now. -#}
{% macro raw_rebuild_command() -%}
    {%- set dataset = var('dataset') -%}
    {%- set default_dir = 'data/sample' if dataset == 'sample' else 'data/raw' -%}
    {%- set raw_dir = var('raw_data_dir') | string -%}
    {{ return("make build DATASET=" ~ dataset ~ ("" if raw_dir == default_dir else " RAW_DATA_DIR=" ~ raw_dir)
              ~ ("" if target.name == 'dev' else " DBT_TARGET=" ~ target.name) ~ " DBT_ARGS=--full-refresh") }}
{%- endmacro %}

{#- The table of loaded raw files, beside the incremental order lines (relation classified). -#}
{% macro loaded_raw_files_relation(classified) -%}
    {{ return(api.Relation.create(database=classified.database, schema=classified.schema,
                                  identifier='int_order_lines__loaded_files')) }}
{%- endmacro %}

{#- Post-hook of int_order_lines__classified: the table of the raw files it holds lines of, each with the data set
    and read settings it was loaded with, its size and SHA-256 as it is now (after the merge every line of each
    file is loaded; a digest the on-run-start check computed is reused, not read again) and its last row. -#}
{% macro record_loaded_raw_files() -%}
    {{ return(adapter.dispatch('record_loaded_raw_files', 'custseg')()) }}
{%- endmacro %}

{% macro default__record_loaded_raw_files() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    create or replace table {{ loaded_raw_files_relation(this) }} as
    select
        source_file,
        cast('{{ var("dataset") }}' as {{ dbt.type_string() }}) as dataset,
        cast('{{ raw_read_settings() | replace("'", "''") }}' as {{ dbt.type_string() }}) as read_settings,
        cast({{ raw_file_bytes(raw_file_full_path('source_file')) }} as {{ dbt.type_bigint() }}) as file_bytes,
        {{ raw_file_digest(raw_file_full_path('source_file')) }} as content_hash,
        rows_loaded
    from (
        select source_file, max(source_row) as rows_loaded
        from {{ this }}
        group by source_file
    ) as loaded
{%- endmacro %}

{#- The relation of a model of this project by name, as it is in the warehouse now (none if not built). -#}
{% macro custseg_built_relation(model_name) -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.dispatch('custseg_built_relation', 'custseg')(node)) }}
{%- endmacro %}

{% macro default__custseg_built_relation(node) -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- Spark has no database above the schema. -#}
{% macro spark__custseg_built_relation(node) -%}
    {{ return(adapter.get_relation(database=none, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- on-run-start (dbt_project.yml): stop before any node runs when the warehouse holds another data set, was
    loaded with other read settings, or a raw file it loaded changed. Skipped by --full-refresh, which rebuilds
    the incremental tables from the files as they are, and where no identity is computed (raw_identity_checked).
    Returns no SQL. -#}
{% macro assert_raw_files_unchanged() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'retry') -%}{{ return('') }}{%- endif -%}
    {%- do assert_requested_dataset(check_loaded=not flags.FULL_REFRESH) -%}
    {%- if not raw_identity_checked() or flags.FULL_REFRESH -%}{{ return('') }}{%- endif -%}
    {%- set classified = custseg_built_relation('int_order_lines__classified') -%}
    {%- set loaded = adapter.get_relation(database=classified.database, schema=classified.schema,
                                          identifier='int_order_lines__loaded_files') if classified else none -%}
    {%- set fix = " Nothing was built. Rebuild from the files as they are now: " ~ raw_rebuild_command() -%}
    {%- if classified is none -%}{{ return('') }}{%- endif -%}
    {%- if loaded is none -%}
        {{ exceptions.raise_compiler_error(
            "custseg: " ~ classified ~ " holds order lines but the warehouse has no record of the raw files they "
            ~ "came from (int_order_lines__loaded_files, written by this version), so a changed file could not be "
            ~ "detected." ~ fix) }}
    {%- endif -%}
    {%- set settings_now = raw_read_settings() -%}
    {%- set changed = [] -%}
    {%- for row in loaded_raw_files_now(loaded) -%}
        {%- if row['read_settings'] != settings_now -%}
            {{ exceptions.raise_compiler_error(
                "custseg: the raw files' read settings changed since the order lines were loaded (was "
                ~ row['read_settings'] ~ ", now " ~ settings_now ~ "): lines read both ways would be mixed." ~ fix) }}
        {%- elif row['bytes_now'] is none -%}
            {%- do changed.append("'" ~ row['source_file'] ~ "' is gone (" ~ row['rows_loaded'] ~ " lines loaded)") -%}
        {%- elif row['bytes_now'] < row['file_bytes'] -%}
            {%- do changed.append("'" ~ row['source_file'] ~ "' is shorter than when it was loaded ("
                                  ~ row['bytes_now'] ~ " bytes, was " ~ row['file_bytes'] ~ ")") -%}
        {%- elif not row['is_unchanged'] -%}
            {%- do changed.append("'" ~ row['source_file'] ~ "' changed since it was loaded (its first "
                                  ~ row['file_bytes'] ~ " bytes differ)") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if changed -%}
        {{ exceptions.raise_compiler_error(
            "custseg: raw file " ~ changed[:5] | join('; ') ~ (" (and " ~ (changed | length - 5) ~ " more)"
            if changed | length > 5 else "") ~ ", under " ~ var('raw_data_dir') ~ "." ~ fix) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- Whether this engine computes the raw files' identity: DuckDB with the profile's plugin (without it the build
    stops, naming the fix), the custsegspark adapter (its custseg_raw_input, the same code); nowhere else. -#}
{% macro raw_identity_checked() -%}
    {{ return(adapter.dispatch('raw_identity_checked', 'custseg')()) }}
{%- endmacro %}

{% macro default__raw_identity_checked() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__raw_identity_checked() -%}
    {%- set plugin = run_query("select count(*) from duckdb_functions() where function_name = 'custseg_file_digest'") -%}
    {%- if plugin.rows[0][0] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "custseg: the profile '" ~ target.profile_name ~ "' does not load the plugin custseg.raw_input.dbt_plugin "
            ~ "(the raw files' identity and gzip checks). Fix: list it under the output's plugins, as custseg's "
            ~ "profiles.yml does: `- module: custseg.raw_input.dbt_plugin` with `alias: raw_input`.") }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}

{#- The files recorded in the table `loaded` with what they are now: rows of source_file, read_settings,
    file_bytes, rows_loaded (as recorded), bytes_now (the size now, none when gone) and is_unchanged (whether the
    first file_bytes bytes have the recorded SHA-256), sorted by source_file. -#}
{% macro loaded_raw_files_now(loaded) -%}
    {{ return(adapter.dispatch('loaded_raw_files_now', 'custseg')(loaded)) }}
{%- endmacro %}

{% macro default__loaded_raw_files_now(loaded) -%}
    {%- set checked = run_query(
        "select source_file, read_settings, file_bytes, rows_loaded, "
        ~ raw_file_bytes(raw_file_full_path('source_file')) ~ " as bytes_now, "
        ~ "content_hash is not distinct from " ~ raw_file_digest(raw_file_full_path('source_file'), 'file_bytes')
        ~ " as is_unchanged from " ~ loaded ~ " order by source_file") -%}
    {{ return(checked.rows) }}
{%- endmacro %}
