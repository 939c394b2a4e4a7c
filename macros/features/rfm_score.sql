{#- Returns an integer score expression from 1 to `bins` for `column`: with no cut points, the quantile
    (ntile) of the column over `partition_by`, ties broken by `tie_breaker` so equal values never get
    scores in a random order; with `cut_points` (ascending list), 1 + the number of cut points the value
    exceeds (so len(cut_points) + 1 scores). `higher_is_better=false` reverses the score (recency: fewer
    days is better). Nulls score null. -#}
{% macro rfm_score(column, bins=5, higher_is_better=true, cut_points=none, partition_by=none, tie_breaker='customer_id') -%}
    {%- if cut_points -%}
        {%- set n_scores = cut_points | length + 1 -%}
    case
        when {{ column }} is null then null
        {%- for cut in cut_points | sort | reverse %}
        when {{ column }} > {{ cut }} then {{ (n_scores - loop.index + 1) if higher_is_better else loop.index }}
        {%- endfor %}
        else {{ 1 if higher_is_better else n_scores }}
    end
    {%- else -%}
    case
        when {{ column }} is not null then
            ntile({{ bins }}) over (
                {% if partition_by %}partition by {{ partition_by }}, {{ column }} is null{% else %}partition by {{ column }} is null{% endif %}
                order by {{ column }} {{ 'asc' if higher_is_better else 'desc' }}, {{ tie_breaker }} {{ 'asc' if higher_is_better else 'desc' }}
            )
    end
    {%- endif %}
{%- endmacro %}
