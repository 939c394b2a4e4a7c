-- Fails on customers whose R/F/M scores are missing (with a measure present) or outside 1..rfm_score_bins(),
-- and on rfm_score texts that do not spell r_score, f_score and m_score.
{%- set bins = rfm_score_bins() %}
with customer_rfm as (
    select * from {{ ref('customer_rfm') }}
)

select customer_id, r_score, f_score, m_score, rfm_score
from customer_rfm
where (recency_days is not null and r_score is null)
    or (frequency is not null and f_score is null)
    or (monetary is not null and m_score is null)
    or r_score not between 1 and {{ bins }}
    or f_score not between 1 and {{ bins }}
    or m_score not between 1 and {{ bins }}
    or fm_score not between 1 and {{ bins }}
    or rfm_score <> {{ dbt.concat([
        "cast(r_score as " ~ dbt.type_string() ~ ")",
        "cast(f_score as " ~ dbt.type_string() ~ ")",
        "cast(m_score as " ~ dbt.type_string() ~ ")",
    ]) }}
