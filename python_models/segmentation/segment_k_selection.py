"""segment_k_selection: one row per evaluated k: the criteria and the chosen k.

Thin: the k-means fit lives in custseg.segmentation (tested with pytest); one fit is shared
by the segmentation models of a build. Features: seed model_feature_sets (model =
'segmentation'); settings: var 'dataset' and var 'segmentation' (custseg/segmentation/settings.py).
"""


def model(dbt, session):
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("segmentation")
    dbt.config(materialized="table")

    from custseg.segmentation.dbt_models import customer_segmentation

    features = dbt.ref("customer_features").arrow().read_all()
    feature_sets = dbt.ref("model_feature_sets").arrow().read_all()
    # Runs after customer_segments, which fits: the fit is then loaded from memory, and no dbt thread waits
    # on another one's fit.
    dbt.ref("customer_segments")
    return customer_segmentation(features, dataset, overrides, feature_sets).k_selection
