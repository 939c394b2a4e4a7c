-- Fails the build when any Great Expectations check in data_quality_results failed, with a message
-- naming suite, table, column, expectation and unexpected count of each failure (and the sample size
-- when GE checked a sample of a large table). The keys and relations of the same tables are dbt tests.
{%- if execute %}
    {%- set failed = run_query(
        "select suite, table_name, coalesce(column_name, '*'), expectation, unexpected_count, element_count, details"
        ~ " from " ~ ref('data_quality_results') ~ " where not success order by suite, table_name, expectation") %}
    {%- if failed.rows | length > 0 %}
        {%- set lines = [] %}
        {%- for row in failed.rows %}
            {%- do lines.append(row[0] ~ " " ~ row[1] ~ "." ~ row[2] ~ ": " ~ row[3] ~ " failed on "
                ~ row[4] ~ " of " ~ row[5] ~ " rows " ~ (row[6] or '')) %}
        {%- endfor %}
        {{ exceptions.raise_compiler_error("Great Expectations: " ~ failed.rows | length
            ~ " expectation(s) failed:\n" ~ lines | join("\n")) }}
    {%- endif %}
{%- endif %}

select *
from {{ ref('data_quality_results') }}
where not success
