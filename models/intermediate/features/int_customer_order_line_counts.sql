-- Per customer, the clean order lines that int_order_line_totals holds (every date, purchases and returns): the
-- count each row of the incremental order features records (macros/features/incremental_by_customer.sql), and
-- what their pre-hook compares it with to find the customers with new lines.
select
    customer_id,
    sum(order_line_count) as order_line_count
from {{ ref('int_order_line_totals') }}
group by customer_id
