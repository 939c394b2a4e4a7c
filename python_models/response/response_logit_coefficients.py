"""response_logit_coefficients: the best logistic candidate refit on all labeled customers, one row per feature plus the
intercept: transform, impute_value, scaler_mean, scaler_scale, coefficient. Scored in SQL by macro score_response_logit.

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
    # Runs after response_scores, which fits: the fit is then loaded from memory, and no dbt thread waits
    # on another one's fit.
    dbt.ref("response_scores")
    return response_arrow_table("response_logit_coefficients", training_set, dataset, overrides, feature_sets)
