{#- The order-line features that are incremental per snapshot and customer: int_customer_order_metrics and
    int_customer_order_activity, the two largest computations after the order lines (a join of every clean
    line's totals to each snapshot). Each of their rows records the as-of date of its snapshot and
    order_line_count, the customer's clean order lines (int_customer_order_line_counts, every date) when the row
    was computed. int_order_line_totals only grows (its lines are never changed in place: a changed raw file stops
    the build), so a row stays right while both still hold. A build first deletes the rows where either no longer
    holds (delete_changed_customer_rows, the models' pre-hook: a new line of the customer, a new as-of date),
    then computes the (snapshot, customer) pairs the table lacks (customers_to_compute) and appends them. A build
    with no new lines computes only the customers who have no row (no purchase before an as-of date), and the
    tables equal a full build's (tests/python/test_incremental_matches_full_build.py). `--full-refresh`
    rebuilds them from nothing. Engines whose tables take no delete (Spark's Parquet tables) build them as tables. -#}

{#- 'incremental' where the warehouse deletes rows (DuckDB); 'table' elsewhere. -#}
{% macro customer_incremental_materialization() -%}
    {{ return(adapter.dispatch('customer_incremental_materialization', 'custseg')()) }}
{%- endmacro %}

{% macro default__customer_incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__customer_incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{#- Pre-hook: delete this table's rows whose snapshot now has another as-of date (or is gone) or whose
    customer's order_line_count changed. Nothing on the first build, a full refresh, or a table built before
    these columns existed (dbt's on_schema_change then asks for --full-refresh). -#}
{% macro delete_changed_customer_rows(snapshots, order_line_counts) -%}
    {%- if not execute or not is_incremental() -%}{{ return('') }}{%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'order_line_count' not in columns or 'as_of_date' not in columns -%}{{ return('') }}{%- endif -%}
delete from {{ this }} as built
where not exists (
    select 1 from {{ snapshots }} as snapshots
    where snapshots.snapshot_name = built.snapshot_name
        and snapshots.as_of_date = built.as_of_date
)
or not exists (
    select 1 from {{ order_line_counts }} as counts
    where counts.customer_id = built.customer_id
        and counts.order_line_count = built.order_line_count
)
{%- endmacro %}

{#- A condition on `snapshot_name` and `customer_id` (columns of the query it is put in): true for the pairs
    this table lacks (all of them on a first build or a full refresh). -#}
{% macro customers_to_compute(snapshot_name, customer_id) -%}
    {%- if is_incremental() -%}
not exists (
    select 1 from {{ this }} as built
    where built.snapshot_name = {{ snapshot_name }}
        and built.customer_id = {{ customer_id }}
)
    {%- else -%}
1 = 1
    {%- endif -%}
{%- endmacro %}
