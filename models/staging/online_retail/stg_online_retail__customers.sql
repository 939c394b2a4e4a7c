-- UCI Online Retail has no customers: zero rows, canonical columns.
{{ empty_canonical('customers') }}
