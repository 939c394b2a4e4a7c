"""response_scores_python: the check of the SQL scores. Every customer of response_training_set scored in Python
(scikit-learn predict_proba) by both refits on int_response_fit_sample: logit_probability (the model of
response_logit_coefficients) and tree_probability (response_tree_nodes); data tests require the SQL macros to agree
within 1e-9. The refits come from the fit cache the model tables' models wrote (custseg.fit_cache), or are refitted.

Logic: custseg.response.models.response_scores_python (tested with pytest); settings: var 'dataset', var 'response'.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.response.models import response_scores_python

    training_set = to_arrow(dbt.ref("response_training_set"))
    fit_rows = to_arrow(dbt.ref("int_response_fit_sample"))
    choice = to_arrow(dbt.ref("int_response_candidate_summary"))
    coefficients = to_arrow(dbt.ref("response_logit_coefficients"))
    tree_nodes = to_arrow(dbt.ref("response_tree_nodes"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(response_scores_python(training_set, fit_rows, choice, coefficients, tree_nodes,
                                           feature_sets, dataset, overrides))
