{#- Returns a 64-bit hash of the SQL expressions in `columns` (a list): equal values, equal hashes; meant for
    grouping candidates and for checksums summed over many rows. DuckDB: hash(), an unsigned 64-bit value whose
    sum is a HUGEINT. Spark's hash() is 32 bits (collisions in the millions), so xxhash64, as a decimal so that a
    sum over many rows never overflows (Spark's bigint sum would, under ANSI mode). -#}
{% macro hash64(columns) -%}
    {{ return(adapter.dispatch('hash64', 'custseg')(columns)) }}
{%- endmacro %}

{% macro default__hash64(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__hash64(columns) -%}
    cast(xxhash64({{ columns | join(', ') }}) as decimal(20, 0))
{%- endmacro %}
