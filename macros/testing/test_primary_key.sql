{#- Generic test: `columns` are the model's primary key. Returns each key that occurs more than once and each
    key with a null column, in one pass over the table (unique and not_null of a composite key at the cost
    of one group by; a single-column key uses dbt's unique and not_null). -#}
{% test primary_key(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having
    count(*) > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}
{% endtest %}
