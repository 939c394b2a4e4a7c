-- Customer Personality campaign outcomes, one row per customer and campaign: the five earlier
-- campaigns (AcceptedCmp1..5, campaign_id cmp1..cmp5) and the last one (Response, last_campaign).
-- Lines that failed to parse are left out here; they are quarantined through the customers entity.
with profiles as (
    select * from {{ ref('stg_customer_personality__profiles') }}
    where parse_error is null
),

campaigns as (
    {%- for campaign_id, column in [
        ('cmp1', 'acceptedcmp1'), ('cmp2', 'acceptedcmp2'), ('cmp3', 'acceptedcmp3'),
        ('cmp4', 'acceptedcmp4'), ('cmp5', 'acceptedcmp5'), ('last_campaign', 'response'),
    ] %}
    select
        source_name,
        source_file,
        source_row,
        customer_id,
        '{{ campaign_id }}' as campaign_id,
        {{ column }} as responded,
        cast(null as date) as mailed_at
    from profiles
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from campaigns
