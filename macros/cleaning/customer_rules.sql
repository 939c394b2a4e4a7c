{#- Cleaning rules for customer profiles, one macro each; limits and mappings live in seeds
    (seeds/cleaning/), so the rule and its numbers are in one place. Each returns a SQL expression. -#}

{#- True when a value lies outside the plausible range of a limits seed for limit_name (seed
    customer_value_limits: birth_year before 1901, income 666,666; seed order_line_limits: quantity and
    unit_price). Null values are not implausible, just missing; NaN and infinities are (NaN sorts above
    every number in DuckDB and Spark). -#}
{% macro is_implausible(value_column, limit_name, limits_seed='customer_value_limits') -%}
    coalesce(
        {{ value_column }} < (
            select min_plausible from {{ ref(limits_seed) }} where column_name = '{{ limit_name }}'
        )
        or {{ value_column }} > (
            select max_plausible from {{ ref(limits_seed) }} where column_name = '{{ limit_name }}'
        ),
        false
    )
{%- endmacro %}

{#- The clean marital status of a raw value through seed marital_status_map (joined as `map_alias`):
    mapped values take the seed's value (null for nonsense such as Absurd or YOLO); values the seed
    does not list are kept, lower-cased. -#}
{% macro clean_marital_status(raw_column, map_alias) -%}
    case
        when {{ map_alias }}.source_value is not null then {{ map_alias }}.marital_status
        else lower(trim({{ raw_column }}))
    end
{%- endmacro %}
