-- Every raw population members row of the active data set in the canonical shape (contract enforced).
select * from {{ canonical('population_members') }}
