"""response_scores_python: the check of the SQL scores. Every customer of response_training_set scored in Python
(scikit-learn predict_proba) by both refits: logit_probability (the model of response_logit_coefficients) and
tree_probability (response_tree_nodes). Data tests require the SQL macros to agree within 1e-9. The refits are
loaded from the fit cache that the coefficient and node models wrote (custseg.fit_cache), or fitted again.

Logic: custseg.response.models.response_scores_python (tested with pytest). Features: seed model_feature_sets (model =
'response'); settings: var 'dataset' and var 'response' (custseg/response/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.response.models import response_scores_python

    training_set = to_arrow(dbt.ref("response_training_set"))
    model_metrics = to_arrow(dbt.ref("response_model_metrics"))
    coefficients = to_arrow(dbt.ref("response_logit_coefficients"))
    tree_nodes = to_arrow(dbt.ref("response_tree_nodes"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(response_scores_python(training_set, model_metrics, coefficients, tree_nodes, feature_sets,
                                           dataset, overrides))
