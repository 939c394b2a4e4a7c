{#- Typing rules for text read from an export, one macro each; the mapping (macros/staging/user_mapping.sql)
    sets their arguments. Each returns a SQL expression (used by the source readers only; Spark's functions: macros/portable). -#}

{#- Text with surrounding blanks removed (space, tab, CR, LF, no-break space): keys such as "  85123A "
    are classified as what they are, not as odd values. -#}
{% macro trimmed_text(text_column) -%}
    {{ return(adapter.dispatch('trimmed_text', 'custseg')(text_column)) }}
{%- endmacro %}

{% macro default__trimmed_text(text_column) -%}
    trim({{ text_column }}, chr(32) || chr(9) || chr(13) || chr(10) || chr(160))
{%- endmacro %}

{#- A number from export text as double, null when the text is not a number of the given format:
    decimal_separator '.' or ','; thousands_separator '' (none), ',', '.', ' ' or "'", accepted only between
    groups of three digits (so 2.55 in a file with thousands '.' is invalid, not 255); currency_symbols
    (e.g. ['£', '€']) are dropped wherever they stand, with their spaces; a trailing minus (SAP: 2,55-)
    is a sign. With '.' and no thousands separator the text is cast as is (1e3, NaN and Infinity parse,
    and the plausibility rules of the cleaning quarantine what is not finite). One rule on every engine: the
    regular expressions are written once and passed to the engine's functions (macros/portable/regex.sql). -#}
{% macro parse_number(text_column, decimal_separator='.', thousands_separator='', currency_symbols=[]) -%}
    {%- if decimal_separator not in ['.', ','] -%}
        {{ exceptions.raise_compiler_error("decimal_separator must be '.' or ',', got " ~ decimal_separator | tojson) }}
    {%- endif -%}
    {%- if thousands_separator and thousands_separator not in [',', '.', ' ', "'"] -%}
        {{ exceptions.raise_compiler_error(
            "thousands_separator must be '', ',', '.', ' ' or \"'\", got " ~ thousands_separator | tojson) }}
    {%- endif -%}
    {%- if thousands_separator == decimal_separator -%}
        {{ exceptions.raise_compiler_error("thousands_separator and decimal_separator are both " ~ decimal_separator | tojson) }}
    {%- endif -%}
    {%- set ns = namespace(text=trimmed_text(text_column)) -%}
    {%- if currency_symbols -%}
        {%- set escaped = [] -%}
        {%- for symbol in currency_symbols -%}
            {%- set ns.quoted = '' -%}
            {%- for char in symbol -%}{%- set ns.quoted = ns.quoted ~ regex_char(char) -%}{%- endfor -%}
            {%- do escaped.append(ns.quoted) -%}
        {%- endfor -%}
        {%- set ns.text = regex_replace_all(ns.text, '\\s*(' ~ escaped | join('|') ~ ')\\s*', '') -%}
    {%- endif -%}
    {%- set ns.text = regex_replace_all(ns.text, "^([0-9.,' ]*[0-9])-$", '-' ~ regex_group(1)) -%}
    {%- if thousands_separator -%}
    case
        when {{ regex_full_match(ns.text, '[+-]?([0-9]{1,3}(' ~ regex_char(thousands_separator) ~ '[0-9]{3})+|[0-9]*)('
                                          ~ regex_char(decimal_separator) ~ '[0-9]+)?') }}
            then try_cast(replace(replace({{ ns.text }}, {{ text_literal(thousands_separator) }}, ''), {{ text_literal(decimal_separator) }}, '.') as double)
    end
    {%- elif decimal_separator == ',' -%}
    case
        when {{ regex_full_match(ns.text, '[+-]?[0-9]*(,[0-9]+)?') }}
            then try_cast(replace({{ ns.text }}, ',', '.') as double)
    end
    {%- else -%}
    try_cast({{ ns.text }} as double)
    {%- endif -%}
{%- endmacro %}

{#- A timestamp from export text with one strptime format; formats with a time-zone offset (%z: +01:00,
    +0100, or Z for UTC) give the UTC time, formats without one the time as written. -#}
{% macro parse_timestamp(text_column, date_format) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'custseg')(text_column, date_format)) }}
{%- endmacro %}

{% macro default__parse_timestamp(text_column, date_format) -%}
    {%- if '%z' in date_format -%}
    timezone('UTC', try_strptime(regexp_replace({{ text_column }}, '([0-9])Z$', '\1+00:00'), {{ dbt.string_literal(date_format) }}))
    {%- else -%}
    try_strptime({{ text_column }}, {{ dbt.string_literal(date_format) }})
    {%- endif -%}
{%- endmacro %}
