-- Every raw customer activity row of the active data set in the canonical shape (contract enforced).
select * from {{ canonical('customer_activity') }}
