-- One row per customer with model inputs (customer_features): what every customer metric adds up. The single
-- definition of customers, revenue and response rate: the semantic layer's measures (models/semantic/) and
-- segment_profiles both sum these columns, and a test holds them equal (tests/python/test_semantic_mf_query.py).
--   revenue: net revenue (purchases minus returns, customer_rfm.monetary); null without a clean purchase.
--   response: the target campaign's (response_campaign_id(), the one the response model predicts), over the
--   customers mailed in it with a known outcome (response_training_set.is_labeled).
with customer_features as (
    select * from {{ ref('customer_features') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

response_training_set as (
    select * from {{ ref('response_training_set') }}
),

final as (
    select
        customer_features.customer_id,
        response_training_set.response_campaign_id,
        cast(customer_rfm.monetary as decimal(38, 4)) as revenue,
        case when response_training_set.is_labeled then 1 else 0 end as response_mailings,
        case when response_training_set.is_labeled then response_training_set.label end as responded,
        customer_features.as_of_date
    from customer_features
    left join customer_rfm on customer_features.customer_id = customer_rfm.customer_id
    left join response_training_set on customer_features.customer_id = response_training_set.customer_id
)

select * from final
