-- UCI Online Retail has no customer activity: zero rows, canonical columns.
{{ empty_canonical('customer_activity') }}
