{#- Execute-time checks of raw delimited files, so bad input fails with a message that names the
    file and the column instead of a bare database error.

    raw_input_files(label, pattern) checks that the pattern matches at least one file, that no matched
    file is empty and that every gzip file is sound (raw_gzip_problem), and returns the files.
    raw_csv_columns(label, pattern, delimiter, header) checks the files (raw_input_files), then returns
    the column names of the first file's header (column0, column1, ... when there is no header).
    resolve_raw_columns(label, pattern, delimiter, found, wanted) maps each wanted name to the column
    of the file holding it: wanted is {name: [accepted header names, first match wins]}; names
    listed in var-free `optional` may be missing (mapped to none). -#}

{% macro raw_input_files(label, pattern) -%}
    {#- The files matching pattern (path, size rows, sorted), after checking that there is one at least, that none
        is empty and that every gzip file is sound; each failure stops the build naming the file and the fix. -#}
    {%- set files = raw_file_listing(pattern) -%}
    {%- if files.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": no raw file matches '" ~ pattern ~ "'. Put the file there, or set RAW_DATA_DIR "
            ~ "(var raw_data_dir) / " ~ ("user_mapping.path (the file or glob under raw_data_dir)"
            if var('dataset') == 'user' else "var raw_files") ~ " to where it is.") }}
    {%- endif -%}
    {%- for file in files.rows -%}
        {%- if file[1] == 0 -%}
            {{ exceptions.raise_compiler_error(label ~ ": raw file '" ~ file[0] ~ "' is empty (0 bytes).") }}
        {%- endif -%}
        {%- set problem = raw_gzip_problem(file[0]) -%}
        {%- if problem -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": raw file '" ~ file[0] ~ "' is a damaged gzip file (" ~ problem ~ "): nothing was "
                ~ "read from it. Copy or export it again (gzip -t checks it).") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

{#- The files matching pattern as a query result of (path, size) rows, sorted by path. -#}
{% macro raw_file_listing(pattern) -%}
    {{ return(adapter.dispatch('raw_file_listing', 'custseg')(pattern)) }}
{%- endmacro %}

{% macro default__raw_file_listing(pattern) -%}
    {{ return(run_query("select filename, size from read_blob('" ~ pattern ~ "') order by filename")) }}
{%- endmacro %}

{% macro raw_csv_columns(label, pattern, delimiter, header=true) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set files = raw_input_files(label, pattern) -%}
    {%- set described = run_query(
        "describe select * from read_csv('" ~ files.rows[0][0] ~ "', all_varchar = true, header = "
        ~ header ~ ", delim = '" ~ delimiter ~ "', quote = '\"', escape = '\"', ignore_errors = true)") -%}
    {{ return(described.columns[0].values() | list) }}
{%- endmacro %}

{% macro resolve_raw_columns(label, pattern, delimiter, found, wanted, optional=[]) -%}
    {%- set resolved = {} -%}
    {%- set missing = [] -%}
    {%- set found_lower = found | map('lower') | list -%}
    {%- for name, accepted in wanted.items() -%}
        {%- set accepted_list = [accepted] if accepted is string else accepted -%}
        {%- set ns = namespace(hit=none) -%}
        {%- for candidate in accepted_list if ns.hit is none -%}
            {%- if candidate | lower in found_lower -%}
                {%- set ns.hit = found[found_lower.index(candidate | lower)] -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if ns.hit is none and name not in optional -%}
            {%- do missing.append(name ~ " (looked for " ~ accepted_list | join(' or ') ~ ")") -%}
        {%- endif -%}
        {%- do resolved.update({name: ns.hit}) -%}
    {%- endfor -%}
    {%- if missing and execute -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": raw file '" ~ pattern ~ "' lacks required column(s) " ~ missing | join(', ')
            ~ ". Header read with separator " ~ (delimiter | tojson) ~ ": " ~ found | join(' | ')
            ~ (" -- one column only: is the separator right?" if found | length == 1 else "")) }}
    {%- endif -%}
    {{ return(resolved) }}
{%- endmacro %}

{#- What is wrong with a gzip raw file (its every member's CRC-32 and length checked by decompressing it to the
    end: neither DuckDB's reader nor Spark's checks them, and a flipped bit would load a wrong value), or none when
    it is sound or not a .gz file: custseg.raw_input.files.gzip_problem, through DuckDB's plugin
    (custseg_gzip_problem) or the custsegspark adapter; elsewhere not checked. -#}
{% macro raw_gzip_problem(path) -%}
    {%- if not (path | lower).endswith('.gz') -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.dispatch('raw_gzip_problem', 'custseg')(path)) }}
{%- endmacro %}

{% macro default__raw_gzip_problem(path) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__raw_gzip_problem(path) -%}
    {%- set answer = run_query("select custseg_gzip_problem('" ~ (path | replace("'", "''")) ~ "')") -%}
    {{ return(answer.rows[0][0]) }}
{%- endmacro %}
