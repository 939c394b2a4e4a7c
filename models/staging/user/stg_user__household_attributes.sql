-- A user's transactions export has no household attributes: zero rows, canonical columns.
{{ empty_canonical('household_attributes') }}
