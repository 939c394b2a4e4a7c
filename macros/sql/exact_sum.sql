{#- Returns a sum of doubles that is the same on every run: each value rounded to `scale` decimals and summed
    as an exact decimal, then cast back to a double. A plain sum of doubles depends on the order in which
    parallel threads combine their partial sums, so two builds could differ in the last bits. -#}
{% macro exact_sum(expression, scale=12) -%}
    cast(sum(cast({{ expression }} as decimal(38, {{ scale }}))) as {{ scoring_double() }})
{%- endmacro %}
