"""population_segment_comparison: segments fitted on the general population; per segment the
population and customer counts and shares, the representation ratio and over/under/neutral.

Thin: the logic lives in custseg.segmentation (population.py, tested with pytest).
Features: seed model_feature_sets (model = 'population'); age is derived from birth_year at the
as-of date of customer_features. Settings: var 'dataset' and var 'segmentation'.
"""


def model(dbt, session):
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("segmentation")
    dbt.config(materialized="table")

    from custseg.segmentation.dbt_models import population_comparison

    members = dbt.ref("population_features").arrow().read_all()
    feature_sets = dbt.ref("model_feature_sets").arrow().read_all()
    return population_comparison(members, dataset, overrides, feature_sets)
