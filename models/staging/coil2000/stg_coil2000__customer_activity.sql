-- CoIL 2000 has no customer activity: zero rows, canonical columns.
{{ empty_canonical('customer_activity') }}
