-- A user's transactions export has no customers: zero rows, canonical columns.
{{ empty_canonical('customers') }}
