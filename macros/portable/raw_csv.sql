{#- Spark's reader of delimited exports (macros/staging/raw_csv.sql, raw_csv_checks.sql, transactions_from_csv.sql,
    macros/cleaning/parse_values.sql): the same lines, numbers and reasons as DuckDB's read_csv with store_rejects,
    so that every raw line lands clean or in rejected_rows.

    Spark's CSV reader cannot say which line a row came from, nor that a line had too many or too few fields (in
    PERMISSIVE mode a short record is padded with nulls, a long one cut: neither is a corrupt record). So the files
    are read as lines of text (`text.<pattern>`, gzip by its extension), numbered per file in the order they are
    read (monotonically_increasing_id grows with the offset within a file), and each data line is split with
    from_csv (the export's delimiter, quote and escape) into one column more than the header, as on DuckDB:
    c0..cN as text, '' for an empty field, null for a field the line lacks; a line with more fields than that
    fills the extra column. What DuckDB's reader rejects is rejected here with its reason: a line over
    max_line_size (`unparseable_line: line size over maximum`), a line with bytes that are not UTF-8
    (`unparseable_line: invalid unicode`) and a line with more fields than one past the header (`unparseable_line:
    too many columns`), each with its text in raw_line. A quote that is never closed runs to the end of its line.
    The line is the record: a quoted field holding a line break (which DuckDB reads as one record) is two lines
    here, each quarantined by its field count. Spark reads UTF-8 only: other encodings stop the build. -#}

{% macro csv_text_type() -%}
    {{ return(adapter.dispatch('csv_text_type', 'custseg')()) }}
{%- endmacro %}

{% macro default__csv_text_type() -%}varchar{%- endmacro %}

{% macro spark__csv_text_type() -%}string{%- endmacro %}

{#- The SQL function that stops the query with a message. -#}
{% macro sql_error_function() -%}
    {{ return(adapter.dispatch('sql_error_function', 'custseg')()) }}
{%- endmacro %}

{% macro default__sql_error_function() -%}error{%- endmacro %}

{% macro spark__sql_error_function() -%}raise_error{%- endmacro %}

{#- A Spark SQL string literal of any text (backslashes and apostrophes escaped). -#}
{% macro spark_literal(text) -%}
    '{{ (text | string).replace('\\', '\\\\').replace("'", "\\'") }}'
{%- endmacro %}

{#- binaryFile lists the files without reading them (only path and length are selected). -#}
{% macro spark__raw_file_listing(pattern) -%}
    {{ return(run_query("select path, length from binaryFile.`" ~ pattern ~ "` order by path")) }}
{%- endmacro %}

{#- from_csv's options for the export's dialect, as a Spark map. -#}
{% macro spark_csv_options(options) -%}
    map('sep', {{ spark_literal(options.delimiter) }}, 'quote', {{ spark_literal(options.quote) }},
        'escape', {{ spark_literal(options.escape) }}, 'mode', 'PERMISSIVE')
{%- endmacro %}

{#- from_csv's schema: width columns c0, c1, ... as text. -#}
{% macro spark_csv_schema(width) -%}
    {%- set names = [] -%}
    {%- for index in range(width) -%}{%- do names.append('c' ~ index ~ ' string') -%}{%- endfor -%}
    '{{ names | join(', ') }}'
{%- endmacro %}

{#- Spark reads UTF-8 only: the files as they are, after that check. -#}
{% macro spark__raw_export_readable(label, pattern, options) -%}
    {%- set readable = {} -%}
    {%- if not execute -%}{{ return(readable) }}{%- endif -%}
    {%- if options.encoding != 'utf-8' or options.get('transcode_from') -%}
        {{ exceptions.raise_compiler_error(
            label ~ ": encoding " ~ (options.get('transcode_from') or options.encoding) ~ " is read on DuckDB only; "
            ~ "on Spark the export must be UTF-8 (save it as UTF-8, or build on DuckDB).") }}
    {%- endif -%}
    {%- for file in raw_input_files(label, pattern).rows -%}{%- do readable.update({file[0]: file[0]}) -%}{%- endfor -%}
    {{ return(readable) }}
{%- endmacro %}

{% macro spark__raw_export_first_lines(label, original, path, options) -%}
    {%- set lines = run_query("select regexp_replace(value, '^\\\\x{FEFF}', '') from text.`" ~ path ~ "` limit 2") -%}
    {{ return(lines.columns[0].values() | list) }}
{%- endmacro %}

{#- Spark: from_csv of the line with the dialect. -#}
{% macro spark__raw_export_fields(path, line, width, options) -%}
    {%- set header_row = run_query(
        "select fields.* from (select from_csv(" ~ spark_literal(line) ~ ", "
        ~ spark_csv_schema(width) ~ ", " ~ spark_csv_options(options) ~ ") as fields)") -%}
    {{ return(header_row.rows[0] | list) }}
{%- endmacro %}

{#- One pre-hook: the cached temporary view <table> of every data line (spark_raw_export_view), rendered when the
    hook runs (it needs the header, read at execute time). Cached: the model reads the lines twice (the date format
    of each file, then the lines), and a gzip file is read by one task; the cached lines are spread over four
    partitions. raw_export_unload_hooks drops it after the model. -#}
{% macro spark__raw_export_load_hooks(table, pattern, options) -%}
    {{ return(["{{ spark_raw_export_view(" ~ table | tojson ~ ", " ~ pattern | tojson ~ ", " ~ options | tojson ~ ") }}"]) }}
{%- endmacro %}

{% macro spark__raw_export_unload_hooks(table) -%}
    {{ return(["uncache table if exists " ~ table]) }}
{%- endmacro %}

{% macro spark_raw_export_view(table, pattern, options) -%}
    {%- set header = raw_csv_header(options.label, pattern, options) -%}
    {%- set width = header | length + 1 -%}
    {%- set q = options.quote | string -%}
    {%- set e = options.escape | string -%}
    {#- A quoted field (closed, or open to the end of the line), removed before the delimiters are counted. -#}
    {%- if not q -%}
        {%- set quoted = none -%}
    {%- elif e == q or not e -%}
        {%- set quoted = regex_char(q) ~ '([^' ~ regex_char(q) ~ ']|' ~ regex_char(q) ~ regex_char(q)
                         ~ ')*(' ~ regex_char(q) ~ '|$)' -%}
    {%- else -%}
        {%- set quoted = regex_char(q) ~ '([^' ~ regex_char(q) ~ regex_char(e) ~ ']|' ~ regex_char(e)
                         ~ '.)*(' ~ regex_char(q) ~ '|$)' -%}
    {%- endif -%}
    {%- set unquoted = ("regexp_replace(line, " ~ spark_literal(quoted) ~ ", '')") if quoted else 'line' -%}
    {%- set delimiter = regex_char(options.delimiter) if options.delimiter | length == 1
                        else '\\Q' ~ options.delimiter ~ '\\E' -%}
    cache table {{ table }} as
    with physical_lines as (
        select _metadata.file_path as filename, value as line, monotonically_increasing_id() as read_order
        from text.`{{ pattern }}`
    ),

    numbered as (
        select filename, line, row_number() over (partition by filename order by read_order) - 1 as source_row
        from physical_lines
    ),

    split_lines as (
        select
            filename,
            source_row,
            line,
            size(split({{ unquoted }}, {{ spark_literal(delimiter) }}, -1)) as field_count,
            from_csv(line, {{ spark_csv_schema(width) }}, {{ spark_csv_options(options) }}) as fields
        from numbered
        where source_row > 0
    ),

    classified as (
        select
            *,
            case
                when length(line) > {{ options.max_line_size | int }} then 'unparseable_line: line size over maximum'
                when instr(line, decode(unhex('EFBFBD'), 'UTF-8')) > 0 then 'unparseable_line: invalid unicode'
                when field_count > {{ width }} then 'unparseable_line: too many columns'
            end as parse_error
        from split_lines
    )

    select /*+ REPARTITION(4) */
        filename,
        source_row,
        parse_error,
        case when parse_error is not null then line end as raw_line,
        {%- for index in range(width) %}
        case when parse_error is null and field_count > {{ index }} then coalesce(fields.c{{ index }}, '') end
            as c{{ index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from classified
{%- endmacro %}

{% macro spark__raw_csv_lines(table, columns, header=true) -%}
    select filename, source_row, parse_error, raw_line
        {%- for column in columns %}, `{{ column }}`{% endfor %}
    from {{ table }}
{%- endmacro %}

{% macro spark__trimmed_text(text_column) -%}
    trim(both concat(chr(32), chr(9), chr(13), chr(10), chr(160)) from {{ text_column }})
{%- endmacro %}

{#- A strptime format as a Java DateTimeFormatter pattern (Spark's to_timestamp): %Y %m %d %H %M %S %y %z and
    literal text; single-letter fields, so a month or hour of one or two digits parses as strptime reads it. -#}
{% macro spark_datetime_pattern(date_format) -%}
    {%- set fields = {'Y': 'yyyy', 'y': 'yy', 'm': 'M', 'd': 'd', 'H': 'H', 'M': 'm', 'S': 's', 'z': 'XXX',
                      'b': 'MMM', 'B': 'MMMM', 'f': 'SSSSSS', 'p': 'a', 'I': 'h', '%': "'%'"} -%}
    {%- set ns = namespace(out='', literal='', percent=false) -%}
    {%- for char in date_format -%}
        {%- if ns.percent -%}
            {%- if char not in fields -%}
                {{ exceptions.raise_compiler_error("date format " ~ date_format | tojson ~ ": %" ~ char
                                                   ~ " is not read on Spark (supported: %" ~ fields.keys() | join(' %') ~ ")") }}
            {%- endif -%}
            {%- if ns.literal -%}{%- set ns.out = ns.out ~ "'" ~ ns.literal ~ "'" -%}{%- set ns.literal = '' -%}{%- endif -%}
            {%- set ns.out = ns.out ~ fields[char] -%}
            {%- set ns.percent = false -%}
        {%- elif char == '%' -%}
            {%- set ns.percent = true -%}
        {%- elif char.isalpha() or char == "'" -%}
            {%- set ns.literal = ns.literal ~ (("''") if char == "'" else char) -%}
        {%- else -%}
            {%- if ns.literal -%}{%- set ns.out = ns.out ~ "'" ~ ns.literal ~ "'" -%}{%- set ns.literal = '' -%}{%- endif -%}
            {%- set ns.out = ns.out ~ char -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.literal -%}{%- set ns.out = ns.out ~ "'" ~ ns.literal ~ "'" -%}{%- endif -%}
    {{ return(ns.out) }}
{%- endmacro %}

{#- parse_timestamp on Spark: try_to_timestamp with the Java pattern; an offset (%z, or Z for UTC) gives the UTC
    time (the session time zone is UTC), a format without one the time as written. -#}
{% macro spark__parse_timestamp(text_column, date_format) -%}
    {%- if '%z' in date_format -%}
    try_to_timestamp(regexp_replace({{ text_column }}, '([0-9])Z$', '$1+00:00'), {{ spark_literal(spark_datetime_pattern(date_format)) }})
    {%- else -%}
    try_to_timestamp({{ text_column }}, {{ spark_literal(spark_datetime_pattern(date_format)) }})
    {%- endif -%}
{%- endmacro %}
