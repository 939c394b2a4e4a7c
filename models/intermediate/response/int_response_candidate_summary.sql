-- One row per candidate and metric: the cross-validated mean and spread over every fold of every repeat
-- (int_response_fold_metrics), and the choice. The rule (var response.selection_rule):
--   one_se (default)  the one-standard-error rule (Breiman et al. 1984; Hastie et al., ESL 7.10): take the best
--                     mean of the selection metric, then the first candidate in search order (simplest first:
--                     logistic by C ascending, boosting by size, blends last) whose mean is within one standard
--                     error of it, cv_se = cv_std / sqrt(folds per repeat) of the best candidate. A candidate
--                     that wins by less than its own noise does not displace a simpler one.
--   best              the best mean (the plain best-of-N); ties to the earlier candidate.
-- Lower is better for log_loss and brier. is_stored marks the logistic and the boosting candidate refit and stored
-- (response_logit_coefficients, response_tree_nodes): the chosen candidate's components, else the family's best.
{%- set selection_metric = response_setting('selection_metric') %}
{%- set selection_rule = response_setting('selection_rule') %}
{%- set scale_to = response_setting('hits_scale_to') %}
{%- set sign = -1 if selection_metric in response_lower_is_better() else 1 %}
{%- set float = scoring_double() %}
with fold_metrics as (
    select * from {{ ref('int_response_fold_metrics') }}
),

candidates as (
    select distinct
        candidate_position,
        candidate,
        params,
        logit_position,
        hgb_position
    from {{ ref('int_response_cv_candidates') }}
),

labeled as (
    select count(*) as labeled_customers
    from {{ ref('response_training_set') }}
    where is_labeled
),

summary as (
    select
        candidate_position,
        metric,
        {{ exact_sum("metric_value", 18) }} / count(*) as cv_mean,
        stddev_samp(metric_value) as cv_std,
        count(distinct fold) as n_folds,
        count(distinct cv_repeat) as n_repeats,
        cast(sum(fold_rows) / count(distinct cv_repeat) as {{ dbt.type_bigint() }}) as cv_rows
    from fold_metrics
    group by candidate_position, metric
),

scored as (
    select
        summary.candidate_position,
        candidates.candidate,
        {{ sign }} * summary.cv_mean as score,
        coalesce(summary.cv_std, 0) / sqrt(cast(summary.n_folds as {{ float }})) as cv_se
    from summary
    inner join candidates on summary.candidate_position = candidates.candidate_position
    where summary.metric = '{{ selection_metric }}'
),

ranked as (
    select
        candidate_position,
        candidate,
        score,
        cv_se,
        row_number() over (order by score desc, candidate_position asc) as overall_rank,
        row_number() over (partition by candidate order by score desc, candidate_position asc) as family_rank
    from scored
),

best as (
    select
        score - {{ 'cv_se' if selection_rule == 'one_se' else '0' }} as threshold,
        score - cv_se as one_se_threshold
    from ranked
    where overall_rank = 1
),

eligible as (
    select
        ranked.candidate_position,
        ranked.candidate,
        ranked.overall_rank,
        ranked.family_rank,
        ranked.score >= best.one_se_threshold - 1e-12 as is_within_one_se,
        ranked.score >= best.threshold - 1e-12 as is_eligible
    from ranked
    cross join best
),

chosen as (
    select min(candidate_position) as candidate_position
    from eligible
    where is_eligible
),

chosen_parts as (
    select
        candidates.candidate_position,
        candidates.candidate,
        candidates.logit_position,
        candidates.hgb_position
    from candidates
    inner join chosen on candidates.candidate_position = chosen.candidate_position
),

selection as (
    select
        eligible.candidate_position,
        eligible.overall_rank = 1 as is_best_cv_mean,
        eligible.is_within_one_se,
        eligible.candidate_position = chosen_parts.candidate_position as is_chosen,
        eligible.family_rank = 1 as is_best_in_family,
        case
            when eligible.candidate = 'logit' and chosen_parts.logit_position is not null
                then eligible.candidate_position = chosen_parts.logit_position
            when eligible.candidate = 'hgb' and chosen_parts.hgb_position is not null
                then eligible.candidate_position = chosen_parts.hgb_position
            when eligible.candidate in ('logit', 'hgb') then eligible.family_rank = 1
            else false
        end as is_stored
    from eligible
    cross join chosen_parts
),

final as (
    select
        candidates.candidate_position,
        candidates.candidate,
        candidates.params,
        candidates.logit_position,
        candidates.hgb_position,
        summary.metric,
        summary.cv_mean,
        summary.cv_std,
        coalesce(summary.cv_std, 0) / sqrt(cast(summary.n_folds as {{ float }})) as cv_se,
        summary.n_folds,
        summary.n_repeats,
        summary.cv_rows,
        selection.is_best_cv_mean,
        selection.is_within_one_se,
        selection.is_chosen,
        selection.is_best_in_family,
        selection.is_stored,
        '{{ selection_metric }}' as selection_metric,
        '{{ selection_rule }}' as selection_rule,
        cast({{ scale_to if scale_to is not none else 'labeled.labeled_customers' }} as {{ float }}) as hits_scale_to
    from summary
    inner join candidates on summary.candidate_position = candidates.candidate_position
    inner join selection on summary.candidate_position = selection.candidate_position
    cross join labeled
)

select * from final
