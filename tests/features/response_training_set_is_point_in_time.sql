-- Fails on any training row whose features could include what happened on or after the target
-- campaign's mailing: an as-of date after the mailing, a last purchase on or after the as-of date
-- (recency < 1, order-line data sets), more purchases or past campaigns than the customer has today, or a first order
-- after the as-of date.
-- Skipped (no rows, a log line) in a build of a selection without every model it reads (macro
-- parents_outside_build).
{%- set outside = parents_outside_build() %}
{%- if outside %}
{{ skipped_test(outside) }}
{%- else %}
with training as (
    select * from {{ ref('response_training_set') }}
),

current_features as (
    select * from {{ ref('customer_features') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

target_campaign as (
    select distinct response_campaign_id from training
),

target_mailing as (
    select min(campaign_responses.mailed_at) as mailed_at
    from {{ ref('campaign_responses') }} as campaign_responses
    inner join target_campaign
        on campaign_responses.campaign_id = target_campaign.response_campaign_id
)

select
    training.customer_id,
    training.as_of_date,
    training.recency_days,
    training.frequency,
    current_features.frequency as current_frequency
from training
cross join target_mailing
left join current_features on training.customer_id = current_features.customer_id
left join customer_rfm on training.customer_id = customer_rfm.customer_id
where training.as_of_date > target_mailing.mailed_at
    or (training.recency_days < 1 and training.frequency_repeat is not null)
    or training.frequency > current_features.frequency
    or training.past_campaign_acceptances > current_features.past_campaign_acceptances
    or (training.frequency > 0 and customer_rfm.first_order_at >= cast(training.as_of_date as timestamp))
{%- endif %}
