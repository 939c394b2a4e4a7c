-- One row per candidate, CV repeat, fold and metric: the metric on the held-out customers of that fold, from
-- their out-of-fold probabilities (int_response_cv_candidates: the fitted candidates and the blends).
-- Definitions (as scikit-learn computes them):
--   roc_auc          by ranks: (sum of the positives' average ranks - n1 (n1 + 1) / 2) / (n1 n0)
--   pr_auc           average precision: sum over distinct probabilities, highest first, of
--                    (positives at that probability / n1) * precision at that threshold
--   log_loss         mean of -(y ln p + (1 - y) ln (1 - p)), p clipped to [1e-15, 1 - 1e-15]
--   brier            mean of (p - y)^2
--   top_decile_lift  response rate of the top 10 % of the fold (probability desc, customer_id) / the fold's rate
--   hits_top_20pct   positives in the top 20 % of the fold, scaled: hits * scale_to / fold rows (scale_to =
--                    var response.hits_scale_to, default the number of labeled customers)
-- Top shares are counts rounded half up, at least 1: floor(share * n + 0.5). Sums of doubles go through exact
-- decimals (macro exact_sum), so two builds give the same bits.
{%- set scale_to = response_setting('hits_scale_to') %}
{%- set float = scoring_double() %}
with predictions as (
    select * from {{ ref('int_response_cv_candidates') }}
),

response_training_set as (
    select * from {{ ref('response_training_set') }}
),

labeled as (
    select count(*) as labeled_customers
    from response_training_set
    where is_labeled
),

ranked as (
    select
        candidate_position,
        cv_repeat,
        fold,
        customer_id,
        label,
        probability,
        rank() over (partition by candidate_position, cv_repeat, fold order by probability) as rank_low,
        count(*) over (partition by candidate_position, cv_repeat, fold, probability) as tie_count,
        row_number() over (
            partition by candidate_position, cv_repeat, fold order by probability desc, customer_id asc
        ) as position_desc
    from predictions
),

fold_sizes as (
    select
        candidate_position,
        cv_repeat,
        fold,
        count(*) as fold_rows,
        sum(label) as positives
    from predictions
    group by candidate_position, cv_repeat, fold
),

cutoffs as (
    select
        candidate_position,
        cv_repeat,
        fold,
        fold_rows,
        positives,
        greatest(1, least(fold_rows, floor(cast(0.1 as {{ float }}) * fold_rows + 0.5))) as top10_rows,
        greatest(1, least(fold_rows, floor(cast(0.2 as {{ float }}) * fold_rows + 0.5))) as top20_rows
    from fold_sizes
),

pointwise as (
    select
        ranked.candidate_position,
        ranked.cv_repeat,
        ranked.fold,
        sum(case when ranked.label = 1 then ranked.rank_low + (ranked.tie_count - 1) / 2.0 end) as positive_rank_sum,
        {{ exact_sum(
            '-(ranked.label * ln(greatest(least(ranked.probability, 1 - 1e-15), 1e-15))'
            ~ ' + (1 - ranked.label) * ln(1 - greatest(least(ranked.probability, 1 - 1e-15), 1e-15)))', 18
        ) }} / count(*) as log_loss,
        {{ exact_sum('(ranked.probability - ranked.label) * (ranked.probability - ranked.label)', 18) }}
        / count(*) as brier,
        sum(case when ranked.position_desc <= cutoffs.top10_rows then ranked.label else 0 end) as top10_hits,
        sum(case when ranked.position_desc <= cutoffs.top20_rows then ranked.label else 0 end) as top20_hits
    from ranked
    inner join cutoffs
        on
            ranked.candidate_position = cutoffs.candidate_position
            and ranked.cv_repeat = cutoffs.cv_repeat
            and ranked.fold = cutoffs.fold
    group by ranked.candidate_position, ranked.cv_repeat, ranked.fold
),

by_probability as (
    select
        candidate_position,
        cv_repeat,
        fold,
        probability,
        sum(label) as positives_here,
        count(*) as rows_here
    from predictions
    group by candidate_position, cv_repeat, fold, probability
),

thresholds as (
    select
        candidate_position,
        cv_repeat,
        fold,
        positives_here,
        sum(positives_here) over (
            partition by candidate_position, cv_repeat, fold order by probability desc rows unbounded preceding
        ) as true_positives,
        sum(rows_here) over (
            partition by candidate_position, cv_repeat, fold order by probability desc rows unbounded preceding
        ) as predicted_positives
    from by_probability
),

average_precision as (
    select
        candidate_position,
        cv_repeat,
        fold,
        {{ exact_sum('cast(positives_here as ' ~ float ~ ') * true_positives / predicted_positives', 18) }}
        as precision_sum
    from thresholds
    group by candidate_position, cv_repeat, fold
),

per_fold as (
    select
        cutoffs.candidate_position,
        cutoffs.cv_repeat,
        cutoffs.fold,
        cutoffs.fold_rows,
        (pointwise.positive_rank_sum - cutoffs.positives * (cutoffs.positives + 1) / 2.0)
        / (cast(cutoffs.positives as {{ float }}) * (cutoffs.fold_rows - cutoffs.positives)) as roc_auc,
        average_precision.precision_sum / cutoffs.positives as pr_auc,
        pointwise.log_loss,
        pointwise.brier,
        (cast(pointwise.top10_hits as {{ float }}) / cutoffs.top10_rows)
        / nullif(cast(cutoffs.positives as {{ float }}) / cutoffs.fold_rows, 0) as top_decile_lift,
        cast(pointwise.top20_hits as {{ float }})
        * {{ scale_to if scale_to is not none else 'labeled.labeled_customers' }} / cutoffs.fold_rows as hits_top_20pct
    from cutoffs
    inner join pointwise
        on
            cutoffs.candidate_position = pointwise.candidate_position
            and cutoffs.cv_repeat = pointwise.cv_repeat
            and cutoffs.fold = pointwise.fold
    inner join average_precision
        on
            cutoffs.candidate_position = average_precision.candidate_position
            and cutoffs.cv_repeat = average_precision.cv_repeat
            and cutoffs.fold = average_precision.fold
    cross join labeled
),

final as (
    {%- for metric in response_metric_names() %}
    select
        candidate_position,
        cv_repeat,
        fold,
        '{{ metric }}' as metric,
        fold_rows,
        cast({{ metric }} as {{ float }}) as metric_value
    from per_fold
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select * from final
