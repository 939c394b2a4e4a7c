"""segment_k_selection: one row per evaluated k (criteria on bounded samples, sizes recorded), the chosen k marked,
fitted on int_customer_fit_sample (customer_features up to var customer_fit_rows customers).

Logic: custseg.segmentation.models.segment_k_selection (tested with pytest). Features: seed model_feature_sets
(model = 'segmentation'); settings: var 'dataset' and var 'segmentation' (custseg/segmentation/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("segmentation")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.segmentation.models import segment_k_selection

    features = to_arrow(dbt.ref("int_customer_fit_sample"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(segment_k_selection(features, feature_sets, dataset, overrides))
