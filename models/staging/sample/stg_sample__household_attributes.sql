-- The sample world has no household attributes of this shape: zero rows, canonical columns.
{{ empty_canonical('household_attributes') }}
