"""response_feature_importance: permutation importance (drop of ROC-AUC) of each feature for the chosen
candidate (int_response_candidate_summary.is_chosen, as response_model_metrics shows it) refit on
int_response_fit_sample (the labeled customers up to var response_fit_rows): the model stored in
response_logit_coefficients or response_tree_nodes (checked).

Logic: custseg.response.models.response_feature_importance (tested with pytest). Features: seed model_feature_sets (model =
'response'); settings: var 'dataset' and var 'response' (custseg/response/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.response.models import response_feature_importance

    training_set = to_arrow(dbt.ref("int_response_fit_sample"))
    choice = to_arrow(dbt.ref("int_response_candidate_summary"))
    coefficients = to_arrow(dbt.ref("response_logit_coefficients"))
    tree_nodes = to_arrow(dbt.ref("response_tree_nodes"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(response_feature_importance(training_set, choice, coefficients, tree_nodes, feature_sets,
                                                dataset, overrides))
