"""response_feature_importance: permutation importance (drop of ROC-AUC) of each feature for the chosen
candidate (response_model_metrics.is_chosen) refit on every labeled customer: the model stored in
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

    training_set = to_arrow(dbt.ref("response_training_set"))
    model_metrics = to_arrow(dbt.ref("response_model_metrics"))
    coefficients = to_arrow(dbt.ref("response_logit_coefficients"))
    tree_nodes = to_arrow(dbt.ref("response_tree_nodes"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(response_feature_importance(training_set, model_metrics, coefficients, tree_nodes, feature_sets,
                                                dataset, overrides))
