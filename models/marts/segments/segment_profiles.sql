-- One row per segment: the k-means profile (size, share, mean of each feature) joined with what
-- marketers act on: revenue and its share, the response rate of the target campaign, and the mean
-- response score. Sums go through exact decimals so two builds give identical figures.
with fitted as (
    select * from {{ ref('segment_profiles_fitted') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

response_training_set as (
    select * from {{ ref('response_training_set') }}
),

response_scores as (
    select * from {{ ref('response_scores') }}
),

per_segment as (
    select
        customer_segments.segment_id,
        sum(cast(customer_rfm.monetary as decimal(38, 4))) as revenue,
        count(case when response_training_set.is_labeled then 1 end) as labeled_customers,
        sum(case when response_training_set.is_labeled then response_training_set.label end) as responders,
        sum(cast(response_scores.response_probability as decimal(38, 15))) as score_sum,
        count(response_scores.response_probability) as scored_customers
    from customer_segments
    left join customer_rfm on customer_segments.customer_id = customer_rfm.customer_id
    left join response_training_set on customer_segments.customer_id = response_training_set.customer_id
    left join response_scores on customer_segments.customer_id = response_scores.customer_id
    group by customer_segments.segment_id
),

totals as (
    select sum(revenue) as total_revenue from per_segment
),

final as (
    select
        fitted.*,
        cast(per_segment.revenue as double) as revenue,
        cast(per_segment.revenue / nullif(totals.total_revenue, 0) as double) as revenue_share,
        per_segment.labeled_customers,
        per_segment.responders,
        cast(per_segment.responders as double) / nullif(per_segment.labeled_customers, 0) as response_rate,
        cast(per_segment.score_sum / nullif(per_segment.scored_customers, 0) as double) as mean_response_score
    from fitted
    inner join per_segment on fitted.segment_id = per_segment.segment_id
    cross join totals
)

select * from final
