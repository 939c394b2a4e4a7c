-- int_order_line_totals holds every clean order line exactly once: its line counts and amounts add up to
-- order_lines, per source file (an incremental build that skipped or repeated a batch fails here).
-- Skipped (no rows, a log line) in a build of a selection without every model it reads (macro
-- parents_outside_build).
{%- set outside = parents_outside_build() %}
{%- if outside %}
{{ skipped_test(outside) }}
{%- else %}
with lines as (
    select
        source_file,
        count(*) as order_lines,
        sum(line_amount) as line_amount
    from {{ ref('order_lines') }}
    group by source_file
),

totals as (
    select
        source_file,
        sum(order_line_count) as order_lines,
        sum(line_amount) as line_amount
    from {{ ref('int_order_line_totals') }}
    group by source_file
)

select
    coalesce(lines.source_file, totals.source_file) as source_file,
    lines.order_lines as order_lines_count,
    totals.order_lines as totals_count,
    lines.line_amount as order_lines_amount,
    totals.line_amount as totals_amount
from lines
full outer join totals on lines.source_file = totals.source_file
where lines.order_lines is distinct from totals.order_lines
    or lines.line_amount is distinct from totals.line_amount
{%- endif %}
