-- Every raw order line of the active data set, in the canonical shape (contract enforced).
select * from {{ canonical('order_lines') }}
