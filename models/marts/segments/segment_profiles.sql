-- One row per segment: size, share and the mean of every segmentation feature in raw units (columns
-- mean_<feature>, the features of segment_centroids, nulls ignored), joined with what marketers act on:
-- revenue and its share, the response rate of the target campaign, the mean response score, and the predicted
-- CLV of customer_clv (mean p(alive), expected purchases and value over its horizon, value share). Sums go
-- through exact decimals (macro exact_sum) so two builds give identical figures. Customers, revenue and
-- response rate add up the columns of customer_metrics, as the semantic layer's metrics do (one definition).
{%- set features = centroid_feature_names(ref('segment_centroids')) %}
with customer_segments as (
    select * from {{ ref('customer_segments') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

customer_metrics as (
    select * from {{ ref('customer_metrics') }}
),

response_scores as (
    select * from {{ ref('response_scores') }}
),

customer_clv as (
    select * from {{ ref('customer_clv') }}
),

per_segment as (
    select
        customer_segments.segment_id,
        customer_segments.segment_name,
        count(customer_metrics.customer_id) as customers,
        {%- for f in features %}
        {{ exact_sum('customer_features.' ~ f) }} / nullif(count(customer_features.{{ f }}), 0) as mean_{{ f }},
        {%- endfor %}
        sum(customer_metrics.revenue) as revenue,
        cast(sum(customer_metrics.response_mailings) as {{ dbt.type_bigint() }}) as labeled_customers,
        cast(sum(customer_metrics.responded) as {{ dbt.type_bigint() }}) as responders,
        sum(cast(response_scores.response_probability as decimal(38, 15))) as score_sum,
        count(response_scores.response_probability) as scored_customers,
        count(customer_clv.customer_id) as clv_customers,
        {{ exact_sum('customer_clv.p_alive') }} as p_alive_sum,
        {{ exact_sum('customer_clv.expected_purchases') }} as expected_purchases,
        {{ exact_sum('customer_clv.expected_value', 6) }} as expected_value
    from customer_segments
    left join customer_features on customer_segments.customer_id = customer_features.customer_id
    left join customer_metrics on customer_segments.customer_id = customer_metrics.customer_id
    left join response_scores on customer_segments.customer_id = response_scores.customer_id
    left join customer_clv on customer_segments.customer_id = customer_clv.customer_id
    group by customer_segments.segment_id, customer_segments.segment_name
),

totals as (
    select
        sum(customers) as total_customers,
        sum(revenue) as total_revenue,
        {{ exact_sum('expected_value', 6) }} as total_expected_value
    from per_segment
),

final as (
    select
        per_segment.segment_id,
        per_segment.segment_name,
        per_segment.customers,
        cast(per_segment.customers as {{ scoring_double() }}) / totals.total_customers as share,
        {%- for f in features %}
        per_segment.mean_{{ f }},
        {%- endfor %}
        cast(per_segment.revenue as {{ scoring_double() }}) as revenue,
        cast(per_segment.revenue as {{ scoring_double() }})
        / nullif(cast(totals.total_revenue as {{ scoring_double() }}), 0) as revenue_share,
        per_segment.labeled_customers,
        per_segment.responders,
        cast(per_segment.responders as {{ scoring_double() }})
        / nullif(per_segment.labeled_customers, 0) as response_rate,
        cast(per_segment.score_sum as {{ scoring_double() }})
        / nullif(per_segment.scored_customers, 0) as mean_response_score,
        per_segment.clv_customers,
        per_segment.p_alive_sum / nullif(per_segment.clv_customers, 0) as mean_p_alive,
        per_segment.expected_purchases,
        per_segment.expected_value,
        per_segment.expected_value / nullif(per_segment.clv_customers, 0) as mean_expected_value,
        per_segment.expected_value / nullif(totals.total_expected_value, 0) as expected_value_share
    from per_segment
    cross join totals
)

select * from final
