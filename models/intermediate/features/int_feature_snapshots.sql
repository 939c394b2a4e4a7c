-- The as-of dates features are computed at, one row per snapshot:
--   current  - var as_of_date, by default the day after the last clean order (never the wall clock);
--              data sets without order lines fall back to the day after the last sign-up, then null.
--   response - the day the target campaign (response_campaign_id()) was mailed: the response model's
--              features only use what was known before it. Where the source gives no mailing date
--              (one-snapshot sources), it falls back to the current as-of date (documented).
-- Order lines count in a snapshot when ordered_at < as_of_date.
with order_lines as (
    select * from {{ ref('order_lines') }}
),

customers as (
    select * from {{ ref('customers') }}
),

campaign_responses as (
    select * from {{ ref('campaign_responses') }}
),

data_end as (
    select max(ordered_at) as last_ordered_at from order_lines
),

signup_end as (
    select max(customer_since) as last_customer_since from customers
),

current_snapshot as (
    select
        'current' as snapshot_name,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        {% if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date) as as_of_date
        {%- else -%}
        coalesce(
            cast({{ dbt.dateadd('day', 1, 'data_end.last_ordered_at') }} as date),
            cast({{ dbt.dateadd('day', 1, 'signup_end.last_customer_since') }} as date)
        ) as as_of_date
        {%- endif %}
    from data_end
    cross join signup_end
),

target_campaign as (
    select
        min(mailed_at) as mailed_at,
        count(*) as mailings
    from campaign_responses
    where campaign_id = {{ dbt.string_literal(response_campaign_id() or '') }}
),

response_snapshot as (
    select
        'response' as snapshot_name,
        {% if response_campaign_id() -%}
        {{ dbt.string_literal(response_campaign_id()) }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as campaign_id,
        coalesce(target_campaign.mailed_at, current_snapshot.as_of_date) as as_of_date
    from current_snapshot
    cross join target_campaign
),

final as (
    select snapshot_name, campaign_id, as_of_date from current_snapshot
    union all
    select snapshot_name, campaign_id, as_of_date from response_snapshot
)

select * from final
