-- Every raw household attributes row of the active data set in the canonical shape (contract enforced).
select * from {{ canonical('household_attributes') }}
