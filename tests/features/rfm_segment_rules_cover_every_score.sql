-- Fails on every (r_score, fm_score) combination of 1..rfm_score_bins() that matches no rule or more than
-- one rule of seed rfm_segment_rules, and on any rule that reaches outside the score range: each score
-- combination must map to exactly one segment name.
{%- set bins = rfm_score_bins() %}
with rules as (
    select * from {{ ref('rfm_segment_rules') }}
),

scores as (
    {%- for score in range(1, bins + 1) %}
    select {{ score }} as score{{ ' union all' if not loop.last }}
    {%- endfor %}
),

combinations as (
    select
        r_scores.score as r_score,
        fm_scores.score as fm_score
    from scores as r_scores
    cross join scores as fm_scores
),

matches as (
    select
        combinations.r_score,
        combinations.fm_score,
        count(rules.rfm_segment) as matching_rules
    from combinations
    left join rules
        on combinations.r_score between rules.r_score_min and rules.r_score_max
        and combinations.fm_score between rules.fm_score_min and rules.fm_score_max
    group by combinations.r_score, combinations.fm_score
),

bad_combinations as (
    select
        'score combination matches ' || cast(matching_rules as {{ dbt.type_string() }}) || ' rules' as problem,
        r_score,
        fm_score
    from matches
    where matching_rules <> 1
),

bad_rules as (
    select
        'rule for ' || rfm_segment || ' is outside 1..{{ bins }} or has min > max' as problem,
        r_score_min as r_score,
        fm_score_min as fm_score
    from rules
    where r_score_min > r_score_max
        or fm_score_min > fm_score_max
        or r_score_min < 1
        or fm_score_min < 1
        or r_score_max > {{ bins }}
        or fm_score_max > {{ bins }}
)

select * from bad_combinations
union all
select * from bad_rules
