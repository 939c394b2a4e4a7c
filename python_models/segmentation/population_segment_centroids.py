"""population_segment_centroids: the general population's k-means as data (as segment_centroids), k chosen
by the same rule, fitted on int_population_fit_sample (population_features up to var population_fit_rows
members); no rows for a data set without a population.

Logic: custseg.segmentation.models.population_segment_centroids (tested with pytest). Members and customers
are assigned in SQL (population_segment_comparison).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    overrides = dbt.config.get("segmentation")

    from custseg.dbt_io import to_arrow, to_table
    from custseg.segmentation.models import population_segment_centroids

    members = to_arrow(dbt.ref("int_population_fit_sample"))
    feature_sets = to_arrow(dbt.ref("model_feature_sets"))
    return to_table(population_segment_centroids(members, feature_sets, dataset, overrides))
