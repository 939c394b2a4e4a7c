{#- The on-run-end hooks (dbt_project.yml) and `dbt run-operation publish_serving_copy` (make publish).
    How a build publishes: README, "How a build publishes"; the file work: src/custseg/serving/publish.py. -#}

{#- The statement that makes the build database's file self-contained (its write-ahead log merged into it),
    so that the file alone, copied without any .wal, holds every table: CHECKPOINT on DuckDB. -#}
{% macro checkpoint_database() -%}
    {{ return(adapter.dispatch('checkpoint_database', 'custseg')()) }}
{%- endmacro %}

{#- No such statement elsewhere: other warehouses manage their own files. -#}
{% macro default__checkpoint_database() -%}
    {{ return('') }}
{%- endmacro %}

{#- DuckDB: CHECKPOINT writes the log into the database file. -#}
{% macro duckdb__checkpoint_database() -%}
    {{ return('checkpoint' if execute else '') }}
{%- endmacro %}

{#- Publish the public models (config access: public, not ephemeral) to the serving copy
    <warehouse>/serving/<dataset>.duckdb with their Parquet folder, and write <warehouse>/reports/<dataset>.html,
    where <warehouse> is the folder of the build database (the profile's path, CUSTSEG_DB_PATH).
    As a hook (results given): only after `dbt build`, `dbt run` (or a `dbt retry` of them), not --empty, and
    only when no node failed, errored or was skipped; otherwise it logs why nothing was published and the previous copy stays. Without results
    (run-operation) it publishes what the database holds. Returns no SQL. -#}
{% macro publish_serving_copy(results=none) -%}
    {{ return(adapter.dispatch('publish_serving_copy', 'custseg')(results)) }}
{%- endmacro %}

{#- Elsewhere there is no serving copy: BI tools read the warehouse itself. -#}
{% macro default__publish_serving_copy(results) -%}
    {%- if execute -%}
        {% do log("custseg: no serving copy on " ~ target.type ~ " (the serving copy is a DuckDB file)", info=true) %}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- Whether the hook's results allow a publish: none (run-operation), or a `dbt build`, `dbt run` or `dbt retry`
    that was not --empty and in which no node failed, errored or was skipped (else it logs why not). -#}
{% macro custseg_results_publish(results) -%}
    {%- if results is not none -%}
        {%- if flags.WHICH not in ('build', 'run', 'retry') -%}{{ return(false) }}{%- endif -%}
        {%- if flags.EMPTY -%}
            {% do log("custseg: serving copy not published: an --empty build", info=true) %}
            {{ return(false) }}
        {%- endif -%}
        {%- set failed = [] -%}
        {%- for result in results
                if result.status in ('error', 'fail', 'runtime error', 'skipped', 'partial success') -%}
            {%- do failed.append(result.node.name ~ ' (' ~ result.status ~ ')') -%}
        {%- endfor -%}
        {%- if failed -%}
            {% do log("custseg: serving copy NOT published: " ~ failed | length ~ " node(s) did not succeed: "
                      ~ custseg_name_list(failed) ~ ". The previous serving copy and report stay.", info=true) %}
            {{ return(false) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}

{#- The first five of `names` for a message, then '...' when there are more. -#}
{% macro custseg_name_list(names) -%}
    {{ return(names[:5] | join(', ') ~ ('...' if names | length > 5 else '')) }}
{%- endmacro %}

{#- The public models to publish after this run, or none when nothing is to be published (it logs why): custseg
    is a package of another project (its build, its serving), the results do not allow it
    (custseg_results_publish), or a public model is not built yet. It stops the build when the data set built is
    not the one asked for (assert_requested_dataset). -#}
{% macro custseg_models_to_publish(results) -%}
    {%- if project_name != 'custseg' -%}
        {% do log("custseg: no serving copy: custseg is a package of " ~ project_name
                  ~ ", whose warehouse holds custseg's tables in schema " ~ var('custseg_schema', 'custseg'), info=true) %}
        {{ return(none) }}
    {%- endif -%}
    {%- if not custseg_results_publish(results) -%}{{ return(none) }}{%- endif -%}
    {%- do assert_requested_dataset() -%}
    {%- set public = custseg_public_models() -%}
    {%- set missing = custseg_unbuilt_models(public) -%}
    {%- if missing -%}
        {% do log("custseg: serving copy not published: " ~ missing | length ~ " public model(s) not built yet: "
                  ~ custseg_name_list(missing) ~ " (build the whole project once).", info=true) %}
        {{ return(none) }}
    {%- endif -%}
    {{ return(public) }}
{%- endmacro %}

{#- The aliases of the models in `public` that the warehouse does not hold. -#}
{% macro custseg_unbuilt_models(public) -%}
    {{ return(adapter.dispatch('custseg_unbuilt_models', 'custseg')(public)) }}
{%- endmacro %}

{% macro default__custseg_unbuilt_models(public) -%}
    {%- set missing = [] -%}
    {%- for node in public if custseg_built_relation(node.name) is none -%}
        {%- do missing.append(node.alias) -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}

{#- DuckDB: looked up outside any transaction (adapter.get_relation would open one, and the publish runs its own
    transaction next: `make publish` would fail with "cannot start a transaction within a transaction"). -#}
{% macro duckdb__custseg_unbuilt_models(public) -%}
    {%- set built = custseg_query_column(
            "select database_name || '.' || schema_name || '.' || table_name from duckdb_tables() "
            ~ "union all select database_name || '.' || schema_name || '.' || view_name from duckdb_views()") -%}
    {%- set missing = [] -%}
    {%- for node in public if (node.database ~ '.' ~ node.schema ~ '.' ~ node.alias) not in built -%}
        {%- do missing.append(node.alias) -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}

{#- Spark (the custsegspark session adapter): the serving copy stays a DuckDB file, read from the Spark tables'
    Parquet files by the same publish code (custseg.serving.from_spark, then custseg.serving.publish.finish):
    <warehouse>/serving/<dataset>.duckdb, its Parquet folder and <warehouse>/reports/<dataset>.html, where
    <warehouse> is the folder of CUSTSEG_SPARK_DIR. The same checks as on DuckDB first. A column's type there is
    its declared data_type where the YAML gives one (where Spark's type differs from DuckDB's, e.g. ntile: int
    on Spark, bigint on DuckDB), else the DuckDB type of its Spark type. -#}
{% macro custsegspark__publish_serving_copy(results) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set public = custseg_models_to_publish(results) -%}
    {%- if public is none -%}{{ return('') }}{%- endif -%}
    {%- set tables = [] -%}
    {%- for node in public -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append({'name': column.name, 'description': column.description,
                                   'data_type': column.data_type}) -%}
        {%- endfor -%}
        {%- do tables.append({'schema': node.schema, 'name': node.alias, 'description': node.description,
                              'columns': columns}) -%}
    {%- endfor -%}
    {%- set published = adapter.custseg_publish_from_spark(tables, var('dataset'), custseg_serving_storage_version()) -%}
    {%- if published.get('error') -%}
        {% do log(published.get('traceback', ''), info=false) %}
        {{ exceptions.raise_compiler_error("custseg: serving copy not published (the previous one stays): "
                                           ~ published['error']) }}
    {%- endif -%}
    {% do log("custseg: published " ~ published['tables'] ~ " public tables (" ~ published['rows'] ~ " rows) from "
              ~ "the Spark tables' Parquet files to " ~ published['serving_db'] ~ " and " ~ published['parquet_dir']
              ~ "/, report " ~ published['report'] ~ ", in " ~ published['seconds'] ~ " s", info=true) %}
    {%- if published['report_errors'] -%}
        {{ exceptions.raise_compiler_error("custseg: the serving copy was published, but report sections failed: "
                                           ~ published['report_errors'] | join('; ')) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- DuckDB: the tables are copied with SQL on dbt's own connection (which holds the build database open for
    writing: no other connection could read it) into a new file attached for that; the rest is Python, run as SQL
    functions that the profile's plugin registers (custseg.serving.dbt_plugin). -#}
{% macro duckdb__publish_serving_copy(results) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set public = custseg_models_to_publish(results) -%}
    {%- if public is none -%}{{ return('') }}{%- endif -%}

    {%- set db_path = custseg_query_column(
            "select path from duckdb_databases() where database_name = current_database()")[0] -%}
    {%- set dataset = var('dataset') -%}
    {#- A build that changed no public table publishes nothing: the copy in place, its Parquet folder and the
        report were published from the same rows (custseg.serving.publish.is_current). `make publish` (no
        results) always publishes. -#}
    {%- set fingerprint = custseg_public_fingerprint(public) if results is not none else '' -%}
    {%- if fingerprint -%}
        {%- set current = custseg_publish_call('custseg_publish_is_current', [db_path, dataset, fingerprint]) -%}
        {%- if current['current'] -%}
            {% do log("custseg: serving copy of " ~ dataset ~ " not published again: its " ~ public | length
                      ~ " public tables hold the same rows as the copy published at " ~ current['published_at']
                      ~ " (`make publish` publishes anyway)", info=true) %}
            {{ return('') }}
        {%- endif -%}
    {%- endif -%}
    {%- set begun = custseg_publish_call('custseg_publish_begin', [db_path, dataset]) -%}
    {%- set new_db = 'custseg_serving_new' -%}
    {% do adapter.execute("detach database if exists " ~ new_db, auto_begin=False) %}
    {#- Written in the storage format of an older DuckDB (var serving_storage_version, default v1.0.0): every
        DuckDB 1.x client, the CLI and the drivers BI tools bundle, opens the serving copy; the build's own
        DuckDB reads it too. -#}
    {% do adapter.execute("attach " ~ custseg_sql_literal(begun['new_db']) ~ " as " ~ new_db
                          ~ " (storage_version " ~ custseg_sql_literal(custseg_serving_storage_version()) ~ ")",
                          auto_begin=False) %}
    {%- for node in public -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {% do adapter.execute("create table " ~ new_db ~ ".main." ~ adapter.quote(node.alias)
                              ~ " as select * from " ~ relation, auto_begin=False) %}
    {%- endfor -%}
    {%- set present = custseg_query_column(
            "select table_name || '.' || lower(column_name) from duckdb_columns() "
            ~ "where database_name = " ~ custseg_sql_literal(new_db)) -%}
    {%- set comments = [] -%}
    {%- for node in public -%}
        {%- set target_name = new_db ~ ".main." ~ adapter.quote(node.alias) -%}
        {%- if node.description | trim -%}
            {%- do comments.append("comment on table " ~ target_name ~ " is "
                                   ~ custseg_sql_literal(node.description | trim)) -%}
        {%- endif -%}
        {%- for column in node.columns.values()
                if column.description | trim and (node.alias ~ '.' ~ column.name | lower) in present -%}
            {%- do comments.append("comment on column " ~ target_name ~ "." ~ adapter.quote(column.name)
                                   ~ " is " ~ custseg_sql_literal(column.description | trim)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if comments -%}  {#- one transaction: one commit instead of one per comment (3 s on the sample) -#}
        {% do adapter.execute("begin;\n" ~ comments | join(";\n") ~ ";\ncommit", auto_begin=False) %}
    {%- endif -%}
    {% do adapter.execute("detach " ~ new_db, auto_begin=False) %}

    {%- set published = custseg_publish_call('custseg_publish_finish', [begun['new_db'], db_path, dataset, fingerprint]) -%}
    {% do log("custseg: published " ~ published['tables'] ~ " public tables (" ~ published['rows'] ~ " rows) to "
              ~ published['serving_db'] ~ " and " ~ published['parquet_dir'] ~ "/, report " ~ published['report']
              ~ ", in " ~ published['seconds'] ~ " s", info=true) %}
    {%- if published['report_errors'] -%}
        {{ exceptions.raise_compiler_error("custseg: the serving copy was published, but report sections failed: "
                                           ~ published['report_errors'] | join('; ')) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- The DuckDB storage format of the serving copy: var serving_storage_version (default 'v1.0.0', storage version
    64, which every DuckDB from 0.10 on reads; DuckDB 2.0's own default is not readable by 1.x). -#}
{% macro custseg_serving_storage_version() -%}
    {{ return(var('serving_storage_version', 'v1.0.0')) }}
{%- endmacro %}

{#- The public models of this project in dbt's graph, sorted by name: access public, built (not ephemeral). -#}
{% macro custseg_public_models() -%}
    {%- set public = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='alias')
            if node.resource_type == 'model' and node.package_name == project_name
            and node.access == 'public' and node.config.materialized != 'ephemeral' -%}
        {%- do public.append(node) -%}
    {%- endfor -%}
    {{ return(public) }}
{%- endmacro %}

{#- The first column of a query's rows, run on dbt's connection outside any transaction. -#}
{#- One text that changes when any row, column, description of a public model or the serving storage version
    changes: per table its row count and the sum of its rows' hashes (order-free; ~0.5 s for 10M rows), and the
    models' descriptions, as an MD5. -#}
{% macro custseg_public_fingerprint(public) -%}
    {%- set selects = [] -%}
    {%- set described = [custseg_serving_storage_version()] -%}
    {%- for node in public -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- do selects.append("select " ~ custseg_sql_literal(node.alias) ~ " || ':' || count(*) || ':' || "
                              ~ "coalesce(sum(hash(fingerprinted)::hugeint), 0) from " ~ relation ~ " as fingerprinted") -%}
        {%- do described.append(node.alias ~ '=' ~ node.description) -%}
        {%- for column in node.columns.values() -%}
            {%- do described.append(node.alias ~ '.' ~ column.name ~ '=' ~ column.description) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set tables = custseg_query_column(selects | join(' union all ')) | sort -%}
    {{ return(local_md5((tables + described) | join('\n'))) }}
{%- endmacro %}

{% macro custseg_query_column(sql) -%}
    {%- set response, table = adapter.execute(sql, auto_begin=False, fetch=True) -%}
    {{ return(table.columns[0].values() | list) }}
{%- endmacro %}

{#- Text as a SQL string literal (quotes doubled). -#}
{% macro custseg_sql_literal(text) -%}
    {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- Call one of the plugin's publish functions (custseg.serving.dbt_plugin) with text arguments; its JSON answer
    as a mapping, or the build fails with the reason nothing was published. -#}
{% macro custseg_publish_call(function, arguments) -%}
    {%- set literals = [] -%}
    {%- for argument in arguments -%}{%- do literals.append(custseg_sql_literal(argument)) -%}{%- endfor -%}
    {%- set answer = fromjson(custseg_query_column("select " ~ function ~ "(" ~ literals | join(", ") ~ ")")[0]) -%}
    {%- if answer.get('error') -%}
        {% do log(answer.get('traceback', ''), info=false) %}
        {{ exceptions.raise_compiler_error("custseg: serving copy not published (the previous one stays): "
                                           ~ answer['error']) }}
    {%- endif -%}
    {{ return(answer) }}
{%- endmacro %}
