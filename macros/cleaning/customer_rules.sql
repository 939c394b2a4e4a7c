{#- Cleaning rules for customer profiles, one macro each; limits and mappings live in seeds
    (seeds/cleaning/), so the rule and its numbers are in one place. Each returns a SQL expression. -#}

{#- True when a value lies outside the plausible range of seed customer_value_limits for limit_name
    (e.g. birth_year before 1901, income 666,666). Null values are not implausible, just missing. -#}
{% macro is_implausible(value_column, limit_name) -%}
    coalesce(
        {{ value_column }} < (
            select min_plausible from {{ ref('customer_value_limits') }} where column_name = '{{ limit_name }}'
        )
        or {{ value_column }} > (
            select max_plausible from {{ ref('customer_value_limits') }} where column_name = '{{ limit_name }}'
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
