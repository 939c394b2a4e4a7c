-- The sample world has no customer activity of this shape: zero rows, canonical columns.
{{ empty_canonical('customer_activity') }}
