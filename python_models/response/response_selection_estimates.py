"""response_selection_estimates: one row per metric: the chosen response candidate's selection-aware estimate
(bootstrap bias-corrected CV over the out-of-fold predictions of every candidate: mean, 95 % interval, spread).
response_model_metrics shows it beside the plain CV means.

Logic: custseg.response.models.response_selection_estimates (method in custseg/response/selection.py; tested with
pytest). Settings: var 'dataset' and var 'response' (selection_bootstraps, random_state).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.response.models import response_selection_estimates

    cv_candidates = to_arrow(dbt.ref("int_response_cv_candidates"))
    candidate_summary = to_arrow(dbt.ref("int_response_candidate_summary"))
    return to_table(response_selection_estimates(cv_candidates, candidate_summary, dataset, overrides))
