{#- Regular expressions written once (RE2 on DuckDB, Java on Spark: the syntax both read) and passed to each
    engine's functions: a rule such as parse_number's lives in one macro for every engine. -#}

{#- The character c as a regular expression that matches it literally. -#}
{% macro regex_char(c) -%}
    {{- ('\\' ~ c) if c in '\\^$.|?*+()[]{}-' else c -}}
{%- endmacro %}

{#- Any text as a SQL string literal of the engine. -#}
{% macro text_literal(text) -%}
    {{ return(adapter.dispatch('text_literal', 'custseg')(text)) }}
{%- endmacro %}

{#- Standard SQL: quotes doubled, backslashes as they are. -#}
{% macro default__text_literal(text) -%}
    '{{ (text | string).replace("'", "''") }}'
{%- endmacro %}

{#- Spark SQL: backslashes and apostrophes escaped with a backslash. -#}
{% macro spark__text_literal(text) -%}
    {{ spark_literal(text) }}
{%- endmacro %}

{#- How a replacement names the text that group n of the pattern matched. -#}
{% macro regex_group(n) -%}
    {{ return(adapter.dispatch('regex_group', 'custseg')(n)) }}
{%- endmacro %}

{% macro default__regex_group(n) -%}\{{ n }}{%- endmacro %}

{% macro spark__regex_group(n) -%}${{ n }}{%- endmacro %}

{#- expression with every match of pattern replaced by replacement (text, may hold regex_group). -#}
{% macro regex_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'custseg')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ text_literal(pattern) }}, {{ text_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ text_literal(pattern) }}, {{ text_literal(replacement) }})
{%- endmacro %}

{#- Whether the whole of expression matches pattern. -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'custseg')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ text_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern) -%}
    {{ expression }} rlike {{ text_literal('^(?:' ~ pattern ~ ')$') }}
{%- endmacro %}
