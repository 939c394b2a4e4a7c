-- UCI Online Retail has no household attributes: zero rows, canonical columns.
{{ empty_canonical('household_attributes') }}
