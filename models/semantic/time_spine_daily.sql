-- One row per day: the time spine MetricFlow joins time-based metrics to.
-- A fixed range, wide enough for every data set (Online Retail starts in 2010, the sample world ends in 2026).
with days as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2040-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
