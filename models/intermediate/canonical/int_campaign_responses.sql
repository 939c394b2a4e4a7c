-- Every raw campaign responses row of the active data set in the canonical shape (contract enforced).
select * from {{ canonical('campaign_responses') }}
