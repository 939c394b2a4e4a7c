-- Every raw customers row of the active data set in the canonical shape (contract enforced).
select * from {{ canonical('customers') }}
