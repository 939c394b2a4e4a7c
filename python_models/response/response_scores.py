"""response_scores: one row per scorable customer (labeled or not): response_probability of the chosen model,
response_decile (1 = highest 10 %, ties by customer_id), is_labeled, label, logit_probability (the logistic
model that SQL can reproduce, see macro score_response_logit), model.

Thin: the fit lives in custseg.response (tested with pytest) and is shared by the six response models of a
build. Input: response_training_set (label of the target campaign, features as of its mailing); features:
seed model_feature_sets (model = 'response'); settings: var 'dataset' and var 'response'
(custseg/response/settings.py).
"""


def model(dbt, session):
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("response")
    dbt.config(materialized="table")

    from custseg.response.dbt_models import response_arrow_table

    training_set = dbt.ref("response_training_set").arrow().read_all()
    feature_sets = dbt.ref("model_feature_sets").arrow().read_all()
    return response_arrow_table("response_scores", training_set, dataset, overrides, feature_sets)
