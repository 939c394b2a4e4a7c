"""Entry points of the thin dbt Python models (``python_models/segmentation/*.py``).

A dbt Python model returns one table, but one fit produces five. Each model calls one
function here; the fit is cached in-process (dbt-duckdb runs Python models inside the dbt
process), keyed by a hash of the input rows and the settings, so one ``dbt build`` fits
once however many of the models run, and a model run alone still gets the same result
(the fit is deterministic). custseg.fit_cache.shared_fit holds it: models of one fit wait for it, different
fits (other dbt threads) run side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from custseg.fit_cache import fit_key, shared_fit
from custseg.segmentation.fit import SegmentationResult, fit_segments
from custseg.segmentation.inputs import to_pandas
from custseg.segmentation.population import compare_with_population
from custseg.segmentation.settings import feature_set, fit_options, resolve_settings

def _input(relation, columns: list[str], table_name: str) -> pd.DataFrame:
    df = to_pandas(relation, table_name)
    from custseg.segmentation.inputs import validate_frame

    validate_frame(df, columns[1:], columns[0], table_name)
    return df[columns].sort_values(columns[0], kind="stable").reset_index(drop=True)


def customer_segmentation(customer_features, dataset: str | None = None,
                          overrides: Mapping | str | None = None, feature_sets=None) -> SegmentationResult:
    """The (cached) fit on ``customer_features`` with the data set's settings.

    ``feature_sets`` is the seed model_feature_sets (rows model = 'segmentation').
    """
    settings = resolve_settings(dataset, overrides, feature_set(feature_sets, dataset, "segmentation"))
    df = _input(customer_features, ["customer_id", *settings["features"]], "customer_features")
    return shared_fit("segmentation", fit_key("customers", [df], settings),
                      partial(fit_segments, df, settings["features"], table_name="customer_features",
                              **fit_options(settings)))


def _comparison_table(population: pd.DataFrame, customers: pd.DataFrame, features: list[str],
                      options: Mapping) -> pd.DataFrame:
    table, _, _ = compare_with_population(population, customers, features, population_id_column="person_id",
                                          customer_id_column="person_id", **options)
    return table


def population_comparison(population_members, dataset: str | None = None,
                          overrides: Mapping | str | None = None, feature_sets=None,
                          as_of_year: int | None = None) -> pd.DataFrame:
    """``population_segment_comparison``: fit on every member, compare the customers among them.

    ``population_members`` has ``person_id``, ``is_customer`` and the population features
    (seed model_feature_sets, rows model = 'population'). A feature ``age`` that the table
    lacks is derived as ``as_of_year - birth_year`` (as customer_features does).
    A data set without a population gives the table with no rows.
    """
    settings = resolve_settings(dataset, overrides, feature_set(feature_sets, dataset, "population"))
    feats = list(settings["population_features"])
    df = to_pandas(population_members, "population_members")
    if "age" in feats and "age" not in df.columns and "birth_year" in df.columns and as_of_year is not None:
        df = df.assign(age=int(as_of_year) - pd.to_numeric(df["birth_year"]))
    if len(df) == 0:
        from custseg.segmentation.population import COMPARISON_COLUMNS, comparison_table

        return comparison_table(np.array([]), np.array([]), {})[list(COMPARISON_COLUMNS)]
    # Unknown membership (null, e.g. CoIL's unlabelled evaluation households) is not a customer.
    df = df.assign(is_customer=df["is_customer"].astype("boolean").fillna(False).astype(bool))
    df = _input(df, ["person_id", "is_customer", *feats], "population_features")
    customers = df.loc[df["is_customer"], ["person_id", *feats]]

    return shared_fit("segmentation", fit_key("population", [df], settings),
                      partial(_comparison_table, df.drop(columns="is_customer"), customers, feats,
                              fit_options(settings, population=True)))
