-- Per customer, the campaigns mailed and accepted before the target campaign (response_campaign_id()):
-- every other campaign mailed before it, or, where the source gives no mailing dates
-- (customer_personality's AcceptedCmp1-5), every other campaign (the source says they came first).
with campaign_responses as (
    select * from {{ ref('campaign_responses') }}
),

mailings as (
    select
        customer_id,
        campaign_id,
        min(mailed_at) as mailed_at,
        max(responded) as responded
    from campaign_responses
    where customer_id is not null and campaign_id is not null
    group by customer_id, campaign_id
),

target_campaign as (
    select min(mailed_at) as mailed_at
    from campaign_responses
    where campaign_id = {{ dbt.string_literal(response_campaign_id() or '') }}
),

final as (
    select
        mailings.customer_id,
        count(*) as past_campaigns_mailed,
        sum(case when mailings.responded = 1 then 1 else 0 end) as past_campaign_acceptances
    from mailings
    cross join target_campaign
    where mailings.campaign_id <> {{ dbt.string_literal(response_campaign_id() or '') }}
        and (
            mailings.mailed_at is null
            or target_campaign.mailed_at is null
            or mailings.mailed_at < target_campaign.mailed_at
        )
    group by mailings.customer_id
)

select * from final
