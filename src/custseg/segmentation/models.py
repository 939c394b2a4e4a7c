"""What the segmentation's dbt Python models call: one function per model, one table each.

- :func:`segment_k_selection`   int_customer_fit_sample -> the criteria per k and the chosen k (bounded samples)
- :func:`segment_centroids`     int_customer_fit_sample + segment_k_selection -> the fitted k-means as data
- :func:`population_segment_centroids`  int_population_fit_sample -> the population's k-means as data
- :func:`segment_assignments_python`    the check: k-means ``predict`` for every customer, which the data test
  ``assert_sql_segments_match_python`` compares with the SQL assignment (``customer_segments``)

Inputs are pyarrow Tables (:func:`custseg.dbt_io.to_arrow` of a ``dbt.ref``); settings are var ``dataset``,
var ``segmentation`` and the seed ``model_feature_sets`` (:mod:`custseg.segmentation.settings`). The final
fit is memoized on disk (:mod:`custseg.fit_cache`), so the check model loads it instead of fitting again.
Assignment, names, profiles and the population comparison are SQL over these tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from custseg.fit_cache import fit_key, memoized
from custseg.model_check import assert_same_model
from custseg.segmentation.fit import KMeansFit, chosen_k, fit_kmeans, k_selection_table
from custseg.segmentation.inputs import to_pandas, validate_frame
from custseg.segmentation.scoring import CENTROID_COLUMNS
from custseg.segmentation.settings import feature_set, fit_options, resolve_settings

_CENTROID_DTYPES = {"segment_id": "int64", "segment_name": "string", "feature_name": "string",
                    "feature_position": "int64", "transform": "string", "impute_value": "float64",
                    "scaler_mean": "float64", "scaler_scale": "float64", "centroid": "float64"}


def _input(data, id_column: str, features: list[str], table_name: str) -> pd.DataFrame:
    df = to_pandas(data, table_name)
    validate_frame(df, features, id_column, table_name)
    return df[[id_column, *features]].sort_values(id_column, kind="stable").reset_index(drop=True)


def _customer_settings(dataset, overrides, feature_sets) -> dict:
    return resolve_settings(dataset, overrides, feature_set(feature_sets, dataset, "segmentation"))


def segment_k_selection(customer_features, feature_sets=None, dataset: str | None = None,
                        overrides: Mapping | str | None = None) -> pd.DataFrame:
    """``segment_k_selection``: one row per evaluated k, the chosen one marked."""
    settings = _customer_settings(dataset, overrides, feature_sets)
    df = _input(customer_features, "customer_id", settings["features"], "customer_features")
    return memoized("segment_k", fit_key("customers_k", [df], settings),
                    lambda: k_selection_table(df, settings["features"], table_name="customer_features",
                                              **fit_options(settings)))


def _customer_fit(customer_features, k_selection, feature_sets, dataset, overrides) -> KMeansFit:
    settings = _customer_settings(dataset, overrides, feature_sets)
    df = _input(customer_features, "customer_id", settings["features"], "customer_features")
    k = chosen_k(k_selection)
    return memoized("segments", fit_key("customers", [df], {**settings, "chosen_k": k}),
                    lambda: fit_kmeans(df, settings["features"], k, table_name="customer_features",
                                       **fit_options(settings)))


def segment_centroids(customer_features, k_selection, feature_sets=None, dataset: str | None = None,
                      overrides: Mapping | str | None = None) -> pd.DataFrame:
    """``segment_centroids``: the final k-means with the chosen k, one row per segment and feature."""
    return _customer_fit(customer_features, k_selection, feature_sets, dataset, overrides).centroid_table()


def segment_assignments_python(customer_features, fit_rows, k_selection, centroids, feature_sets=None,
                               dataset: str | None = None, overrides: Mapping | str | None = None) -> pd.DataFrame:
    """The check table: every customer of ``customer_features`` and the segment k-means ``predict`` gives it
    (renumbered as published), the k-means being the one fitted on ``fit_rows`` (int_customer_fit_sample).

    ``centroids`` is the published segment_centroids: the fit must be the model stored there, else the check
    would compare SQL with some other model."""
    fit = _customer_fit(fit_rows, k_selection, feature_sets, dataset, overrides)
    assert_same_model(fit.centroid_table(), to_pandas(centroids, "segment_centroids"), ["segment_id", "feature_position"],
                "segment_centroids")
    return fit.python_assignments(customer_features)


def population_segment_centroids(population_features, feature_sets=None, dataset: str | None = None,
                                 overrides: Mapping | str | None = None) -> pd.DataFrame:
    """``population_segment_centroids``: k chosen and k-means fitted on the members given (int_population_fit_sample:
    population_features, bounded in SQL; features: seed rows model = 'population'); no rows for a data set without
    a population."""
    settings = resolve_settings(dataset, overrides, feature_set(feature_sets, dataset, "population"))
    features = list(settings["population_features"])
    df = to_pandas(population_features, "population_features")
    if len(df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _CENTROID_DTYPES.items()})[list(CENTROID_COLUMNS)]
    df = _input(df, "person_id", features, "population_features")
    options = {**fit_options(settings, population=True), "id_column": "person_id",
               "table_name": "population_features"}

    def fit() -> pd.DataFrame:
        k = chosen_k(k_selection_table(df, features, **options))
        return fit_kmeans(df, features, k, **options).centroid_table()

    return memoized("population", fit_key("population", [df], settings), fit)
