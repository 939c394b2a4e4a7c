-- Recency, frequency and monetary value of every customer at the current as-of date, with R/F/M scores,
-- the named RFM segment (seed rfm_segment_rules: r_score x fm_score ranges that marketers can edit) and
-- the CLV summary columns. Built empty (same columns) for data sets with neither order lines nor
-- purchase summaries (coil2000).
with scored as (
    select * from {{ ref('int_customer_rfm__scored') }}
    where snapshot_name = 'current'
),

snapshots as (
    select * from {{ ref('int_feature_snapshots') }}
    where snapshot_name = 'current'
),

segment_rules as (
    select * from {{ ref('rfm_segment_rules') }}
),

segmented as (
    select
        scored.*,
        segment_rules.rfm_segment
    from scored
    left join segment_rules
        on scored.r_score between segment_rules.r_score_min and segment_rules.r_score_max
        and scored.fm_score between segment_rules.fm_score_min and segment_rules.fm_score_max
),

final as (
    select
        segmented.customer_id,
        cast(segmented.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(segmented.rfm_score as {{ dbt.type_string() }}) as rfm_score,
        cast(segmented.recency_days as integer) as recency_days,
        cast(segmented.frequency as integer) as frequency,
        cast(segmented.monetary as double) as monetary,
        cast(segmented.gross_revenue as double) as gross_revenue,
        cast(segmented.returned_amount as double) as returned_amount,
        cast(segmented.average_order_value as double) as average_order_value,
        cast(segmented.tenure_days as integer) as tenure_days,
        cast(segmented.r_score as integer) as r_score,
        cast(segmented.f_score as integer) as f_score,
        cast(segmented.m_score as integer) as m_score,
        cast(segmented.fm_score as integer) as fm_score,
        cast(segmented.frequency_repeat as integer) as frequency_repeat,
        cast(segmented.recency_clv as integer) as recency_clv,
        cast(segmented.t_days as integer) as t_days,
        cast(segmented.monetary_value as double) as monetary_value,
        snapshots.as_of_date,
        segmented.first_order_at,
        segmented.last_order_at
    from segmented
    cross join snapshots
)

select * from final
