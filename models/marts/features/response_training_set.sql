-- One row per customer: the response label of the target campaign (response_campaign_id()) and the
-- model inputs as they were known before it was mailed (snapshot 'response' of
-- int_feature_snapshots: only order lines ordered before mailed_at, only campaigns mailed before it).
-- Customers not mailed, or mailed without a known outcome (e.g. CoIL's evaluation set), have a null
-- label: they are scored, never trained on.
with features as (
    select * from {{ ref('int_customer_features__snapshots') }}
    where snapshot_name = 'response'
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
    where snapshot_name = 'response'
),

campaign_responses as (
    select * from {{ ref('campaign_responses') }}
),

target_responses as (
    select
        campaign_responses.customer_id,
        max(campaign_responses.responded) as label
    from campaign_responses
    inner join snapshots on campaign_responses.campaign_id = snapshots.campaign_id
    where campaign_responses.customer_id is not null
    group by campaign_responses.customer_id
),

final as (
    select
        features.customer_id,
        snapshots.campaign_id as response_campaign_id,
        cast(target_responses.label as integer) as label,
        target_responses.label is not null as is_labeled,  -- noqa: CV03
        {{ columns_except(ref('int_customer_features__snapshots'), ['customer_id', 'snapshot_name'], 'features') }}
    from features
    cross join snapshots
    left join target_responses on features.customer_id = target_responses.customer_id
)

select * from final
