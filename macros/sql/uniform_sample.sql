{#- The end of a query that keeps a uniform sample of its rows, the same on every engine: the first `rows` in
    the order of the hash of `id_column` (dbt.hash: md5 on DuckDB and Spark), ties by the id. The fits' bounded
    inputs use it (int_customer_fit_sample, int_population_fit_sample, int_response_fit_sample). -#}
{% macro uniform_sample(id_column, rows) -%}
order by {{ dbt.hash(id_column) }}, {{ id_column }}
limit {{ rows | int }}
{%- endmacro %}
