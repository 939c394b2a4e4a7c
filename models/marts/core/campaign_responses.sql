-- Clean campaign outcomes: one row per customer and campaign, for customers in the clean
-- customers table (responses of rejected or unknown customers are left out).
with responses as (
    select * from {{ ref('int_campaign_responses') }}
),

customers as (
    select customer_id from {{ ref('customers') }}
),

final as (
    select
        responses.customer_id,
        responses.campaign_id,
        responses.responded,
        responses.responded is not null as is_labelled,
        responses.mailed_at
    from responses
    inner join customers on responses.customer_id = customers.customer_id
)

select * from final
