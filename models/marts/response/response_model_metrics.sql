-- One row per candidate and metric: the cross-validated mean and spread over the folds (per-fold values in
-- int_response_fold_metrics, from the out-of-fold probabilities of response_cv_predictions). The chosen
-- candidate has the best mean of the selection metric (var response.selection_metric, default roc_auc; lower
-- is better for log_loss and brier), ties to the earlier candidate (logistic ones come first);
-- is_best_in_family marks the same rule within each family: the refit models read it.
{%- set selection_metric = response_setting('selection_metric') %}
{%- set sign = -1 if selection_metric in response_lower_is_better() else 1 %}
with fold_metrics as (
    select * from {{ ref('int_response_fold_metrics') }}
),

candidates as (
    select distinct
        candidate_position,
        candidate,
        params
    from {{ ref('response_cv_predictions') }}
),

summary as (
    select
        candidate_position,
        metric,
        {{ exact_sum("metric_value", 18) }} / count(*) as cv_mean,
        stddev_samp(metric_value) as cv_std,
        count(*) as n_folds,
        sum(fold_rows) as cv_rows
    from fold_metrics
    group by candidate_position, metric
),

selection as (
    select
        summary.candidate_position,
        candidates.candidate,
        row_number() over (
            order by {{ sign }} * summary.cv_mean desc, summary.candidate_position asc
        ) as overall_rank,
        row_number() over (
            partition by candidates.candidate order by {{ sign }} * summary.cv_mean desc, summary.candidate_position asc
        ) as family_rank
    from summary
    inner join candidates on summary.candidate_position = candidates.candidate_position
    where summary.metric = '{{ selection_metric }}'
),

final as (
    select
        candidates.candidate_position,
        candidates.candidate,
        candidates.params,
        summary.metric,
        summary.cv_mean,
        summary.cv_std,
        summary.n_folds,
        summary.cv_rows,
        selection.overall_rank = 1 as is_chosen,
        selection.family_rank = 1 as is_best_in_family,
        '{{ selection_metric }}' as selection_metric
    from summary
    inner join candidates on summary.candidate_position = candidates.candidate_position
    inner join selection on summary.candidate_position = selection.candidate_position
)

select * from final
