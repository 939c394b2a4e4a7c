"""segment_assignments_python: the check of the SQL assignment. customer_id and the segment that the fitted
scikit-learn k-means (predict, renumbered as published) gives every customer of customer_features; the data test
assert_sql_segments_match_python requires customer_segments (SQL) to agree for 100 % of customers.

Logic: custseg.segmentation.models.segment_assignments_python; the fit (on int_customer_fit_sample) is loaded from
the fit cache that segment_centroids wrote (custseg.fit_cache), or fitted again identically, and must equal
segment_centroids.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("segmentation")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.segmentation.models import segment_assignments_python

    features = to_arrow(dbt.ref("customer_features"))
    fit_rows = to_arrow(dbt.ref("int_customer_fit_sample"))
    k_selection = to_arrow(dbt.ref("segment_k_selection"))
    centroids = to_arrow(dbt.ref("segment_centroids"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(segment_assignments_python(features, fit_rows, k_selection, centroids, feature_sets, dataset,
                                               overrides))
