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
    {{ return(adapter.dispatch('raw_csv_lines', 'custseg')(table, columns, header)) }}
{%- endmacro %}

{% macro default__raw_csv_lines(table, columns, header=true) -%}
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

{#- Reading a transactions export with a fixed dialect, no sniffing (DuckDB-only: a source reader).
    DuckDB's sniffer stops the whole build on one odd line (mixed LF/CRLF, an unterminated quote) and
    names columns after a header it parsed itself; here the dialect comes from the mapping (`options`:
    delimiter, quote, escape, encoding, max_line_size, strict_mode) and every column is read as text under
    a positional name c0, c1, ... (so a header holding `"` or a duplicate name cannot break the SQL).

    raw_csv_reader_options(options) returns the read_csv arguments of that dialect.
    (options.label names the data set in messages.)
    raw_csv_header(label, pattern, options) checks the files (one at least, none empty, none header-only,
    every header equal to the first, no byte a latin-1 read rejects) and returns the first file's header.
    raw_export_load_hooks(table, pattern, options) returns the pre-hooks that load <table> (and its
    store_rejects tables, as raw_csv_load_hooks does); read them with raw_csv_lines. -#}

{% macro raw_csv_reader_options(options) -%}
    delim = {{ dbt.string_literal(options.delimiter) }}, quote = {{ dbt.string_literal(options.quote) }},
    escape = {{ dbt.string_literal(options.escape) }}, encoding = {{ dbt.string_literal(options.encoding) }},
    max_line_size = {{ options.max_line_size | int }}, strict_mode = {{ 'true' if options.strict_mode else 'false' }}
{%- endmacro %}

{#- raw_export_readable(label, pattern, options) checks the files (raw_input_files) and returns
    {file as found: the file the reader reads}: the file itself, or, when the mapping's encoding is one DuckDB
    cannot read (options.transcode_from: cp1252), its UTF-8 copy beside the database (custseg_utf8_copy of the
    raw_input plugin: line n of the copy is line n of the file; raw_export_create names the original again). -#}
{% macro raw_export_readable(label, pattern, options) -%}
    {{ return(adapter.dispatch('raw_export_readable', 'custseg')(label, pattern, options)) }}
{%- endmacro %}

{% macro default__raw_export_readable(label, pattern, options) -%}
    {%- set readable = {} -%}
    {%- if not execute -%}{{ return(readable) }}{%- endif -%}
    {%- for file in raw_input_files(label, pattern).rows -%}
        {%- if options.get('transcode_from') -%}
            {%- set database = target.path | string -%}
            {%- set copies = (database.rsplit('/', 1)[0] if '/' in database else '.') ~ '/transcoded' -%}
            {%- set copy = run_query("select custseg_utf8_copy(" ~ dbt.string_literal(file[0]) ~ ", "
                                     ~ dbt.string_literal(options.transcode_from) ~ ", "
                                     ~ dbt.string_literal(copies) ~ ")") -%}
            {%- do readable.update({file[0]: copy.rows[0][0]}) -%}
        {%- else -%}
            {%- do readable.update({file[0]: file[0]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(readable) }}
{%- endmacro %}

{% macro raw_csv_header(label, pattern, options) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set readable = raw_export_readable(label, pattern, options) -%}
    {%- set files = readable.keys() | list -%}
    {%- set ns = namespace(first=none) -%}
    {%- for original in files -%}
        {%- set lines = raw_export_first_lines(label, original, readable[original], options) -%}
        {%- if lines | length < 2 -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": raw file '" ~ original ~ "' has a header line but no data line. Export the data again, "
                ~ "or remove the file.") }}
        {%- endif -%}
        {%- set width = lines[0].split(options.delimiter) | length -%}
        {%- set header = raw_export_fields(readable[original], lines[0], width, options) -%}
        {%- for _ in range(header | length) if header and header[-1] is none -%}{%- do header.pop() -%}{%- endfor -%}
        {%- if ns.first is none -%}
            {%- set ns.first = header -%}
        {%- elif header != ns.first -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": raw file '" ~ original ~ "' has another header than '" ~ files[0] ~ "' ("
                ~ header | join(' | ') ~ " instead of " ~ ns.first | join(' | ')
                ~ "). Fix: export every file with the same columns, or load them as separate paths.") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.first) }}
{%- endmacro %}

{#- raw_export_first_lines(label, original, path, options): the first two lines of the file as text (the header
    and the first data line; fewer when it has fewer). -#}
{% macro raw_export_first_lines(label, original, path, options) -%}
    {{ return(adapter.dispatch('raw_export_first_lines', 'custseg')(label, original, path, options)) }}
{%- endmacro %}

{% macro default__raw_export_first_lines(label, original, path, options) -%}
    {%- if options.encoding == 'latin-1' and not path.endswith('.gz') -%}
        {#- A latin-1 file holding bytes 0x80-0x9F is a cp1252 file (DuckDB's latin-1 reader rejects those
            bytes with a message naming nothing): stop here with the file named and the fix. -#}
        {%- set c1 = run_query("select regexp_matches(content::varchar, '\\\\x[89][0-9A-F]') from read_blob('"
                               ~ path ~ "')") -%}
        {%- if c1.rows[0][0] -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": raw file '" ~ original ~ "' is declared latin-1 but holds bytes 0x80-0x9F, "
                ~ "which latin-1 does not use: a Windows export's euro sign, curly quotes or dashes. "
                ~ "Fix: set encoding: cp1252 in the mapping.") }}
        {%- endif -%}
    {%- endif -%}
    {%- set lines = run_query(
        "select line from read_csv('" ~ path ~ "', header = false, auto_detect = false, "
        ~ "columns = {'line': 'VARCHAR'}, delim = '\x1f', quote = '', escape = '', encoding = "
        ~ dbt.string_literal(options.encoding) ~ ", max_line_size = " ~ options.max_line_size | int
        ~ ", strict_mode = false, ignore_errors = true) limit 2") -%}
    {{ return(lines.columns[0].values() | list) }}
{%- endmacro %}

{#- raw_export_fields(path, line, width, options): line split into width fields by the export's dialect (the
    reader's own rules: quotes, escapes), null for a field the line lacks. -#}
{% macro raw_export_fields(path, line, width, options) -%}
    {{ return(adapter.dispatch('raw_export_fields', 'custseg')(path, line, width, options)) }}
{%- endmacro %}

{#- DuckDB: the file's first record, read by read_csv with the dialect (the line is that record). -#}
{% macro default__raw_export_fields(path, line, width, options) -%}
    {%- set names = [] -%}
    {%- for index in range(width) -%}{%- do names.append("'c" ~ index ~ "': 'VARCHAR'") -%}{%- endfor -%}
    {%- set header_row = run_query(
        "select * from read_csv('" ~ path ~ "', header = false, auto_detect = false, null_padding = true, "
        ~ "columns = {" ~ names | join(', ') ~ "}, " ~ raw_csv_reader_options(options) ~ ", ignore_errors = true) limit 1") -%}
    {{ return(header_row.rows[0] | list) }}
{%- endmacro %}

{#- raw_export_unload_hooks(table) returns the post-hooks that free what the load hooks made (none on DuckDB: its
    temporary tables end with the connection). -#}
{% macro raw_export_unload_hooks(table) -%}
    {{ return(adapter.dispatch('raw_export_unload_hooks', 'custseg')(table)) }}
{%- endmacro %}

{% macro default__raw_export_unload_hooks(table) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro raw_export_load_hooks(table, pattern, options) -%}
    {{ return(adapter.dispatch('raw_export_load_hooks', 'custseg')(table, pattern, options)) }}
{%- endmacro %}

{% macro default__raw_export_load_hooks(table, pattern, options) -%}
    {#- The create statement is rendered when the hook runs: it needs the header, read at execute time. -#}
    {{ return([
        "drop table if exists " ~ table ~ "_errors",
        "drop table if exists " ~ table ~ "_scans",
        "{{ raw_export_create(" ~ table | tojson ~ ", " ~ pattern | tojson ~ ", " ~ options | tojson ~ ") }}",
        "{{ raw_export_check_tail(" ~ table | tojson ~ ", " ~ pattern | tojson ~ ", " ~ options | tojson ~ ") }}",
    ]) }}
{%- endmacro %}

{#- A quote opened and never closed swallows every later line of its file into one field: the reader returns
    them as one record with too few fields, so those lines would be lost inside one quarantined row. When a
    file's last record has too few fields and a field that goes on after a line break, stop, naming the file.
    (An unclosed quote on the last line holds no later line: it is quarantined as that line.) Returns a no-op. -#}
{% macro raw_export_check_tail(table, pattern, options) -%}
    {%- if execute -%}
        {%- set names = run_query("select * from " ~ table ~ " limit 0").column_names -%}
        {%- set width = names | select('in', ['filename', 'parsed_row']) | list | length -%}
        {%- set width = names | length - width - 1 -%}
        {%- set joined = [] -%}
        {%- for index in range(width) -%}{%- do joined.append("coalesce(c" ~ index ~ ", '')") -%}{%- endfor -%}
        {%- set found = run_query(
            "select filename, parsed_row - min_row + 1 from (select *, min(parsed_row) over (partition by filename) "
            ~ "as min_row, max(parsed_row) over (partition by filename) as max_row from " ~ table ~ ") "
            ~ "where parsed_row = max_row and c" ~ (width - 1) ~ " is null and regexp_matches("
            ~ joined | join(' || ') ~ ", '\n[^\n]') order by 1 limit 1") -%}
        {%- if found.rows -%}
            {{ exceptions.raise_compiler_error(
                options.label ~ ": raw file '" ~ found.rows[0][0] ~ "': a quote (" ~ options.quote ~ ") opened "
                ~ "on data line " ~ found.rows[0][1] ~ " or before is never closed, so the reader took every "
                ~ "later line into that field. Fix: close the quote in the export, or set quote to a character "
                ~ "the file does not use.") }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro raw_export_create(table, pattern, options) -%}
    {%- set header = raw_csv_header(options.label, pattern, options) -%}
    {#- One column more than the header, padded with null (empty fields read as ''): a line with too many
        fields fills it, a line with too few leaves its last column null, and transactions_from_csv quarantines
        both. (strict_mode = false, the default, is what reads files mixing LF and CRLF line ends.) -#}
    {%- set names = [] -%}
    {%- for index in range(header | length + 1) -%}{%- do names.append("'c" ~ index ~ "': 'VARCHAR'") -%}{%- endfor -%}
    {%- set readable = raw_export_readable(options.label, pattern, options) -%}
    {%- set renamed = [] -%}
    {%- set copies = [] -%}
    {%- for original, path in readable | dictsort if path != original -%}
        {%- do renamed.append((path, original)) -%}{%- do copies.append(dbt.string_literal(path)) -%}
    {%- endfor -%}
    {%- set files = "[" ~ copies | join(', ') ~ "]" if renamed else dbt.string_literal(pattern) -%}
    create or replace temp table {{ table }} as
    select * {%- if renamed %} replace ({{ original_file_name('filename', renamed) }} as filename){% endif %},
        row_number() over () as parsed_row
    from read_csv({{ files }}, header = true, auto_detect = false, columns = { {{- names | join(', ') -}} },
        {{ raw_csv_reader_options(options) }}, null_padding = true, nullstr = chr(1), filename = true,
        store_rejects = true, rejects_table = '{{ table }}_errors', rejects_scan = '{{ table }}_scans')
    {%- if renamed %};
    update {{ table }}_scans set file_path = {{ original_file_name('file_path', renamed) }}
    {%- endif %}
{%- endmacro %}

{#- The original file of a copy the reader read (pairs: (copy, original)). -#}
{% macro original_file_name(column, pairs) -%}
    case {{ column }}
        {%- for copy, original in pairs %} when {{ dbt.string_literal(copy) }} then {{ dbt.string_literal(original) }}{% endfor %}
    end
{%- endmacro %}
