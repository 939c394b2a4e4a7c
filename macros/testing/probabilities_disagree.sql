{#- Returns the rows where two tables' probabilities for the same customer disagree by more than `tolerance`, or
    where one table has a customer the other lacks: what the SQL-vs-scikit-learn singular tests select (zero rows
    = agreement). `python_relation` rows whose `column` is null (a family not searched) are left out. -#}
{% macro probabilities_disagree(sql_relation, python_relation, column, tolerance=1e-9) -%}
with sql_scored as (
    select * from {{ sql_relation }}
),

python_scored as (
    select * from {{ python_relation }}
    where {{ column }} is not null
),

compared as (
    select
        coalesce(python_scored.customer_id, sql_scored.customer_id) as customer_id,
        python_scored.{{ column }} as python_probability,
        sql_scored.{{ column }} as sql_probability
    from python_scored
    full outer join sql_scored on python_scored.customer_id = sql_scored.customer_id
)

select *
from compared
where python_probability is null
    or sql_probability is null
    or abs(python_probability - sql_probability) > {{ tolerance }}
{%- endmacro %}
