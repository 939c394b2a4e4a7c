{#- Stops the build (on-run-start, via assert_raw_files_unchanged) and the publish (publish_serving_copy) unless the
    data set built is the one asked for: var('dataset') is a known data set; the database is not the warehouse of
    another data set (warehouse/<dataset>.duckdb, as make and the profile name it: dbt keeps only the last of two
    --vars, so `dataset` may fall back to sample while CUSTSEG_DB_PATH says user); and the raw files recorded in it
    were loaded for this data set (check_loaded: false on a --full-refresh, which replaces them). Returns nothing. -#}
{% macro assert_requested_dataset(check_loaded=true) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set dataset = requested_dataset() -%}
    {%- set response, databases = adapter.execute(
            "select path from duckdb_databases() where database_name = current_database()",
            auto_begin=False, fetch=True) if target.type == 'duckdb' else (none, none) -%}
    {%- set db_path = databases.columns[0].values()[0] | string if databases else '' -%}
    {%- set db_name = db_path.replace('\\', '/').split('/')[-1] -%}
    {%- set db_stem = db_name[:-7] if db_name.endswith('.duckdb') else db_name -%}
    {%- if db_stem in custseg_datasets() and db_stem != dataset -%}
        {{ exceptions.raise_compiler_error(
            "custseg: this build is for data set '" ~ dataset ~ "' (var dataset) but writes " ~ db_path
            ~ ", the warehouse of data set '" ~ db_stem ~ "'. dbt keeps only the last --vars: give dataset, "
            ~ "raw_data_dir and the rest in one --vars (make build DATASET=" ~ db_stem ~ " RAW_DATA_DIR=<dir> "
            ~ "does), or point CUSTSEG_DB_PATH at warehouse/" ~ dataset ~ ".duckdb. Nothing was built or published.") }}
    {%- endif -%}
    {#- Looked up outside any transaction (adapter.get_relation would open one, and the publish, which calls this
        macro, runs its own transaction next). -#}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.int_order_lines__classified') -%}
    {%- set loaded = none -%}
    {%- if node is not none and target.type == 'duckdb' -%}
        {%- set response, tables = adapter.execute(
                "select count(*) from duckdb_tables() where database_name = " ~ dbt.string_literal(node.database)
                ~ " and schema_name = " ~ dbt.string_literal(node.schema)
                ~ " and table_name = 'int_order_lines__loaded_files'", auto_begin=False, fetch=True) -%}
        {%- if tables.rows[0][0] > 0 -%}
            {%- set loaded = api.Relation.create(database=node.database, schema=node.schema,
                                                 identifier='int_order_lines__loaded_files') -%}
        {%- endif -%}
    {%- endif -%}
    {%- if check_loaded and loaded is not none -%}
        {%- set response, found = adapter.execute(
                "select distinct dataset from " ~ loaded ~ " order by dataset", auto_begin=False, fetch=True) -%}
        {%- set others = found.columns[0].values() | reject('equalto', dataset) | list -%}
        {%- if others -%}
            {{ exceptions.raise_compiler_error(
                "custseg: " ~ db_path ~ " holds data set '" ~ others | join("', '") ~ "', not '" ~ dataset
                ~ "' (var dataset). Build each data set into its own warehouse (make build DATASET=" ~ dataset
                ~ " writes warehouse/" ~ dataset ~ ".duckdb), or replace this one: make build DATASET=" ~ dataset
                ~ " DBT_ARGS=--full-refresh. Nothing was built or published.") }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
