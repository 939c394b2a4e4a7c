-- depends_on: {{ ref('coil2000_attributes') }}
{%- set hh_columns = household_attribute_columns() %}
-- Every model input per snapshot (int_feature_snapshots) and customer. Order-line measures only use
-- lines ordered before the snapshot's as-of date; profile columns (demographics, income, household
-- attributes) and summary activity are one snapshot in every source, so they are the same in both.
-- Customers: everyone in customers, with clean order lines, with summary activity or with household
-- attributes (measures a data set lacks are null).
with customers as (
    select * from {{ ref('customers') }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

customer_activity as (
    select * from {{ ref('customer_activity') }}
),

household_attributes as (
    select * from {{ ref('household_attributes') }}
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
),

rfm as (
    select * from {{ ref('int_customer_rfm__scored') }}
),

activity as (
    select * from {{ ref('int_customer_activity_by_key') }}
),

campaign_acceptances as (
    select * from {{ ref('int_customer_campaign_history') }}
),

education_levels as (
    select * from {{ ref('education_levels') }}
),

marital_statuses as (
    select * from {{ ref('marital_statuses') }}
),

known_customers as (
    select customer_id from customers
    union
    select customer_id from order_lines
    union
    select customer_id from customer_activity
    union
    select customer_id from household_attributes
),

customer_snapshots as (
    select
        snapshots.snapshot_name,
        snapshots.as_of_date,
        known_customers.customer_id
    from known_customers
    cross join snapshots
    where known_customers.customer_id is not null
),

activity_wide as (
    select
        snapshot_name,
        customer_id,
        {%- for category in spend_categories() %}
        sum(case when activity_type = 'spend' and activity_key = '{{ category }}' then activity_value end)
            as spend_{{ category }},
        {%- endfor %}
        sum(case when activity_type = 'spend' then activity_value end) as total_spend,
        {%- for channel in sales_channels() + ['deals'] %}
        sum(case when activity_type = 'purchases' and activity_key = '{{ channel }}' then activity_value end)
            as purchases_{{ channel }},
        {%- endfor %}
        sum(case
            when activity_type = 'purchases' and activity_key in ('{{ sales_channels() | join("', '") }}')
                then activity_value
        end) as channel_purchases,
        sum(case when activity_type = 'web_visits' then activity_value end) as web_visits,
        sum(case when activity_type = 'complaints' then activity_value end) as complaints
    from activity
    group by snapshot_name, customer_id
),

household_wide as (
    select
        customer_id
        {%- for position, label in hh_columns %},
        max(case when attribute_position = {{ position }} then value end) as hh_{{ label }}
        {%- endfor %}
    from household_attributes
    where customer_id is not null
    group by customer_id
),

profiles as (
    select
        customers.customer_id,
        customers.birth_year,
        customers.education,
        education_levels.education_level,
        marital_statuses.marital_status_group,
        marital_statuses.is_partnered,
        customers.household_size,
        customers.children,
        customers.teens,
        customers.income,
        customers.region,
        customers.customer_since
    from customers
    left join education_levels on lower(customers.education) = lower(education_levels.education)
    left join marital_statuses on lower(customers.marital_status) = marital_statuses.marital_status
),

joined as (
    select
        customer_snapshots.snapshot_name,
        customer_snapshots.as_of_date,
        customer_snapshots.customer_id,
        rfm.recency_days,
        rfm.frequency,
        rfm.monetary,
        rfm.average_order_value,
        rfm.tenure_days,
        rfm.r_score,
        rfm.f_score,
        rfm.m_score,
        rfm.frequency_repeat,
        rfm.recency_clv,
        rfm.t_days,
        rfm.monetary_value,
        extract(year from customer_snapshots.as_of_date) - profiles.birth_year as age_raw,
        profiles.education_level,
        profiles.marital_status_group,
        profiles.is_partnered,
        profiles.household_size,
        profiles.children,
        profiles.teens,
        profiles.income,
        profiles.region,
        {{ dbt.datediff('profiles.customer_since', 'customer_snapshots.as_of_date', 'day') }} as days_since_signup,
        {%- for category in spend_categories() %}
        activity_wide.spend_{{ category }},
        {%- endfor %}
        activity_wide.total_spend,
        {%- for channel in sales_channels() + ['deals'] %}
        activity_wide.purchases_{{ channel }},
        {%- endfor %}
        activity_wide.channel_purchases,
        activity_wide.web_visits,
        activity_wide.complaints,
        campaign_acceptances.past_campaigns_mailed,
        campaign_acceptances.past_campaign_acceptances
        {%- for position, label in hh_columns %},
        household_wide.hh_{{ label }}
        {%- endfor %}
    from customer_snapshots
    left join rfm
        on customer_snapshots.snapshot_name = rfm.snapshot_name
        and customer_snapshots.customer_id = rfm.customer_id
    left join profiles on customer_snapshots.customer_id = profiles.customer_id
    left join activity_wide
        on customer_snapshots.snapshot_name = activity_wide.snapshot_name
        and customer_snapshots.customer_id = activity_wide.customer_id
    left join campaign_acceptances on customer_snapshots.customer_id = campaign_acceptances.customer_id
    left join household_wide on customer_snapshots.customer_id = household_wide.customer_id
),

final as (
    select
        joined.snapshot_name,
        joined.as_of_date,
        joined.customer_id,
        cast(joined.recency_days as integer) as recency_days,
        cast(joined.frequency as integer) as frequency,
        cast(joined.monetary as double) as monetary,
        cast(joined.average_order_value as double) as average_order_value,
        cast(joined.tenure_days as integer) as tenure_days,
        cast(joined.r_score as integer) as r_score,
        cast(joined.f_score as integer) as f_score,
        cast(joined.m_score as integer) as m_score,
        cast(joined.frequency_repeat as integer) as frequency_repeat,
        cast(joined.recency_clv as integer) as recency_clv,
        cast(joined.t_days as integer) as t_days,
        cast(joined.monetary_value as double) as monetary_value,
        {{ log1p('joined.recency_days') }} as log1p_recency_days,
        {{ log1p('joined.frequency') }} as log1p_frequency,
        {{ log1p('joined.monetary') }} as log1p_monetary,
        {{ log1p('joined.average_order_value') }} as log1p_average_order_value,
        -- Ages outside 16-110 (e.g. Year_Birth 1893 in Customer Personality) are data errors: null.
        cast(case when joined.age_raw between 16 and 110 then joined.age_raw end as integer) as age,
        case
            when joined.age_raw not between 16 and 110 or joined.age_raw is null then null
            when joined.age_raw < 25 then '16-24'
            when joined.age_raw < 35 then '25-34'
            when joined.age_raw < 45 then '35-44'
            when joined.age_raw < 55 then '45-54'
            when joined.age_raw < 65 then '55-64'
            else '65+'
        end as age_band,
        cast(joined.education_level as integer) as education_level,
        joined.marital_status_group,
        cast(case when joined.is_partnered then 1 when not joined.is_partnered then 0 end as integer) as is_partnered,
        -- Sources without a household size (customer_personality): 1 + partner + children.
        cast(coalesce(
            joined.household_size,
            1 + case when joined.is_partnered then 1 else 0 end + joined.children
        ) as integer) as household_size,
        cast(joined.children as integer) as children,
        cast(joined.teens as integer) as teens,
        cast(joined.income as double) as income,
        {{ log1p('joined.income') }} as log1p_income,
        joined.region,
        cast(joined.days_since_signup as integer) as days_since_signup,
        -- A customer with category spend but none in a category spent 0 there (null: no category data).
        {%- for category in spend_categories() %}
        cast(case when joined.total_spend is not null then coalesce(joined.spend_{{ category }}, 0) end as double)
            as spend_{{ category }},
        {%- endfor %}
        cast(joined.total_spend as double) as total_spend,
        {{ log1p('joined.total_spend') }} as log1p_total_spend,
        -- Shares divide doubles: DuckDB divides decimals in double precision, Spark in decimal(38, 6).
        {%- for category in spend_categories() %}
        cast(coalesce(joined.spend_{{ category }}, 0) as double) / nullif(cast(joined.total_spend as double), 0)
            as spend_share_{{ category }},
        {%- endfor %}
        {%- for channel in sales_channels() %}
        cast(case when joined.channel_purchases is not null then coalesce(joined.purchases_{{ channel }}, 0) end
            as integer) as purchases_{{ channel }},
        {%- endfor %}
        cast(joined.purchases_deals as integer) as purchases_deals,
        {%- for channel in sales_channels() %}
        cast(coalesce(joined.purchases_{{ channel }}, 0) as double) / nullif(cast(joined.channel_purchases as double), 0)
            as channel_share_{{ channel }},
        {%- endfor %}
        cast(joined.web_visits as integer) as web_visits,
        cast(joined.complaints as integer) as complaints,
        cast(joined.past_campaigns_mailed as integer) as past_campaigns_mailed,
        cast(joined.past_campaign_acceptances as integer) as past_campaign_acceptances
        {%- for position, label in hh_columns %},
        cast(joined.hh_{{ label }} as integer) as hh_{{ label }}
        {%- endfor %}
    from joined
)

select * from final
