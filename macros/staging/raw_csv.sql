{#- Reading delimited text files without losing a line (DuckDB-only: this is a source reader).

    raw_csv_load_hooks(table, pattern, delimiter, header) returns the pre-hook statements that read
    every column as text into the temporary table <table>, and store the lines the CSV reader
    cannot parse in <table>_errors / <table>_scans (DuckDB's store_rejects).
    raw_csv_lines(table, columns, header) returns a select over those temporary tables with one row
    per data line of each file: source_file, source_row (1-based data line, header not counted),
    parse_error ('unparseable_line: <reader error>' or null), raw_line (the text of an unparseable
    line) and the text value of every listed column (null on unparseable lines).
    The model that uses them must be a table: the temporary tables live only in its connection. -#}

{% macro raw_csv_load_hooks(table, pattern, delimiter, header=true) -%}
    {%- set read -%}
        read_csv('{{ pattern }}', all_varchar = true, header = {{ header }}, delim = '{{ delimiter }}',
            quote = '"', escape = '"', filename = true, auto_detect = true,
            store_rejects = true, rejects_table = '{{ table }}_errors', rejects_scan = '{{ table }}_scans')
    {%- endset -%}
    {{ return([
        "drop table if exists " ~ table ~ "_errors",
        "drop table if exists " ~ table ~ "_scans",
        "create or replace temp table " ~ table ~ " as select *, row_number() over () as parsed_row from " ~ read,
    ]) }}
{%- endmacro %}

{% macro raw_csv_lines(table, columns, header=true) -%}
    {%- set header_lines = 1 if header else 0 -%}
    with parsed as (
        select
            *,
            parsed_row - min(parsed_row) over (partition by filename) + 1 as parsed_rank
        from {{ table }}
    ),

    reader_errors as (
        select
            scans.file_path as filename,
            errors.line - {{ header_lines }} as source_row,
            min(cast(errors.error_type as varchar)) as error_type,
            min(errors.csv_line) as raw_line
        from {{ table }}_errors as errors
        inner join {{ table }}_scans as scans
            on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
        group by scans.file_path, errors.line
    ),

    error_gaps as (
        -- Accepted lines before each unparseable line; a parsed line of rank k sits after every
        -- unparseable line whose gap is below k, so its data line is k + that many lines.
        select
            filename,
            source_row - row_number() over (partition by filename order by source_row) as gap,
            row_number() over (partition by filename order by source_row) as errors_so_far
        from reader_errors
    ),

    error_steps as (
        select filename, gap, max(errors_so_far) as errors_so_far
        from error_gaps
        group by filename, gap
    ),

    parsed_lines as (
        select
            parsed.filename,
            parsed.parsed_rank + coalesce(error_steps.errors_so_far, 0) as source_row,
            cast(null as varchar) as parse_error,
            cast(null as varchar) as raw_line,
            {%- for column in columns %}
            parsed."{{ column }}"{{ ',' if not loop.last }}
            {%- endfor %}
        from parsed
        asof left join error_steps
            on parsed.filename = error_steps.filename and parsed.parsed_rank > error_steps.gap
    ),

    unparseable_lines as (
        select
            filename,
            source_row,
            'unparseable_line: ' || lower(error_type) as parse_error,
            raw_line,
            {%- for column in columns %}
            cast(null as varchar) as "{{ column }}"{{ ',' if not loop.last }}
            {%- endfor %}
        from reader_errors
    )

    select * from parsed_lines
    union all
    select * from unparseable_lines
{%- endmacro %}
