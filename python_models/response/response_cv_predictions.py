"""response_cv_predictions: one row per candidate, CV repeat and labeled customer: the out-of-fold probability of
every candidate (stratified folds on a bounded stratified sample of int_response_fit_sample, the labeled customers
up to var response_fit_rows). response_model_metrics
(SQL) computes the cross-validated metrics from it and marks the chosen candidate.

Logic: custseg.response.models.response_cv_predictions (tested with pytest). Features: seed model_feature_sets (model =
'response'); settings: var 'dataset' and var 'response' (custseg/response/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.response.models import response_cv_predictions

    training_set = to_arrow(dbt.ref("int_response_fit_sample"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(response_cv_predictions(training_set, feature_sets, dataset, overrides))
