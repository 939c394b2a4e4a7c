-- A user's transactions export has no population members: zero rows, canonical columns.
{{ empty_canonical('population_members') }}
