{#- Returns a 64-bit float type for scoring. dbt.type_float() is 32-bit on DuckDB and Spark, which
    loses ~1e-7 of precision: too coarse for the 1e-9 agreement of the scoring macros and enough to flip
    near-ties between centroids. -#}
{% macro scoring_double() -%}
    {{ return(adapter.dispatch('scoring_double', 'custseg')()) }}
{%- endmacro %}

{% macro default__scoring_double() -%}double precision{%- endmacro %}
{% macro duckdb__scoring_double() -%}double{%- endmacro %}
{% macro spark__scoring_double() -%}double{%- endmacro %}
{% macro databricks__scoring_double() -%}double{%- endmacro %}
{% macro trino__scoring_double() -%}double{%- endmacro %}
{% macro bigquery__scoring_double() -%}float64{%- endmacro %}
