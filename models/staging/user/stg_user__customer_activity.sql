-- A user's transactions export has no customer activity: zero rows, canonical columns.
{{ empty_canonical('customer_activity') }}
