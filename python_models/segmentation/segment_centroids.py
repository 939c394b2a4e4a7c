"""segment_centroids: the k-means model as data, one row per segment and feature (name, transform, impute
value, scaler mean and scale, centroid), fitted with the k that segment_k_selection chose on int_customer_fit_sample
(customer_features up to var customer_fit_rows customers).

Logic: custseg.segmentation.models.segment_centroids (tested with pytest). Everything after the fit is SQL:
customer_segments assigns every customer with the macro assign_segment over this table.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("segmentation")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.segmentation.models import segment_centroids

    features = to_arrow(dbt.ref("int_customer_fit_sample"))
    k_selection = to_arrow(dbt.ref("segment_k_selection"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(segment_centroids(features, k_selection, feature_sets, dataset, overrides))
