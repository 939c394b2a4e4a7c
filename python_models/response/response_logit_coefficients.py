"""response_logit_coefficients: the stored logistic candidate (int_response_candidate_summary.is_stored, as
response_model_metrics shows it) refit on every labeled customer of int_response_fit_sample (up to var
response_fit_rows), as data: one row per feature plus the intercept (transform, impute value, scaler mean and scale,
coefficient). response_scores scores it in SQL (macro score_response_logit).

Logic: custseg.response.models.response_logit_coefficients (tested with pytest). Features: seed model_feature_sets (model =
'response'); settings: var 'dataset' and var 'response' (custseg/response/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.response.models import response_logit_coefficients

    training_set = to_arrow(dbt.ref("int_response_fit_sample"))
    choice = to_arrow(dbt.ref("int_response_candidate_summary"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(response_logit_coefficients(training_set, choice, feature_sets, dataset, overrides))
