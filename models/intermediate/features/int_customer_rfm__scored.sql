-- R, F and M scores per snapshot (1 = worst, rfm_score_bins() = best; quintiles by default):
-- quantiles of the snapshot's customers, ties broken by customer_id so the same data always gives the
-- same scores, or fixed cut points from var rfm_cut_points. r_score is high for recent customers.
-- fm_score = the mean of f_score and m_score, rounded half up: the segment map reads r_score x fm_score.
with metrics as (
    select * from {{ ref('int_customer_rfm__metrics') }}
),

scored as (
    select
        *,
        {{ rfm_score('recency_days', rfm_score_bins(), higher_is_better=false,
                     cut_points=rfm_cut_points('recency_days'), partition_by='snapshot_name') }} as r_score,
        {{ rfm_score('frequency', rfm_score_bins(),
                     cut_points=rfm_cut_points('frequency'), partition_by='snapshot_name') }} as f_score,
        {{ rfm_score('monetary', rfm_score_bins(),
                     cut_points=rfm_cut_points('monetary'), partition_by='snapshot_name') }} as m_score
    from metrics
),

final as (
    select
        *,
        cast(floor((f_score + m_score) / 2.0 + 0.5) as integer) as fm_score,
        {{ dbt.concat([
            "cast(r_score as " ~ dbt.type_string() ~ ")",
            "cast(f_score as " ~ dbt.type_string() ~ ")",
            "cast(m_score as " ~ dbt.type_string() ~ ")",
        ]) }} as rfm_score
    from scored
)

select * from final
