-- A user's transactions export has no campaign responses: zero rows, canonical columns.
{{ empty_canonical('campaign_responses') }}
