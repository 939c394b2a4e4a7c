-- One row per candidate and metric: the cross-validated mean and spread over the folds of every repeat and the
-- choice (int_response_candidate_summary: the rule is documented there), and beside the chosen candidate's
-- plain CV means its selection-aware estimates (response_selection_estimates: bootstrap bias-corrected CV, which
-- includes the choice among the candidates; null on the other candidates' rows).
with summary as (
    select * from {{ ref('int_response_candidate_summary') }}
),

estimates as (
    select * from {{ ref('response_selection_estimates') }}
),

final as (
    select
        summary.candidate_position,
        summary.candidate,
        summary.params,
        summary.metric,
        summary.cv_mean,
        summary.cv_std,
        summary.cv_se,
        estimates.selection_aware_mean,
        estimates.selection_aware_lower,
        estimates.selection_aware_upper,
        estimates.selection_aware_std,
        estimates.selection_bootstraps,
        summary.n_folds,
        summary.n_repeats,
        summary.cv_rows,
        summary.is_chosen,
        summary.is_best_cv_mean,
        summary.is_within_one_se,
        summary.is_best_in_family,
        summary.is_stored,
        summary.selection_metric,
        summary.selection_rule
    from summary
    left join estimates on summary.metric = estimates.metric and summary.is_chosen
)

select * from final
