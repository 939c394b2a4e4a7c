"""Per-data-set defaults of the segmentation, and how dbt vars override them.

The dbt models pass the data set name (var ``dataset``) and the var ``segmentation``
(a dict, optional) to :func:`resolve_settings`. Keys of that dict override the data set's
defaults:

==========================  ============================================================
key                         meaning
==========================  ============================================================
features                    feature columns of ``customer_features`` to cluster on
log1p                       features that get the ``log1p`` transform (others: none)
k_min, k_max                the k range evaluated (default 2..10)
k                           a fixed k (overrides the rule); null = choose
segments_min, segments_max  the marketer's range k is chosen in (3..8); the criteria are recorded for k_min..k_max
stability_bootstraps        bootstrap refits per k whose mean ARI is the stability (10; 0 = not measured)
stability_threshold         a k is stable when its stability reaches this (0.8)
silhouette_tolerance        of the stable k in range, the smallest within this of their best silhouette wins (0.02)
pca_components              null (no PCA), an int, or a variance share in (0, 1)
n_init, random_state        k-means starts and seed (10, 42)
silhouette_sample_size      rows the silhouette is computed on (6,000)
selection_sample_size       rows the per-k fits use (10,000)
fit_sample_size             rows the final fit uses: a fixed random sample (50,000; null = all)
(the rows are int_customer_fit_sample's: customer_features up to the top-level var customer_fit_rows, 200,000, a
uniform sample by md5(customer_id) taken in SQL; the samples above are drawn from them)
population_features         columns of ``population_members`` clustered for the comparison
population_log1p            their log1p features
population_k                fixed k of the population segmentation (null = choose)
==========================  ============================================================

The feature lists normally come from the seed ``model_feature_sets`` (rows of the data set
with model 'segmentation' / 'population'; transform log1p or none), read by the dbt models;
the package applies the transform itself (from the raw column) and records it in
``segment_centroids``, so SQL scoring reads the raw columns too.

Package defaults per data set (used when the seed has no rows for it): ``sample`` uses the features found to recover the four planted
segments (ARI >= 0.98 against segments_truth.csv); Online Retail has order lines only, so
log RFM (the notebooks' choice); Customer Personality has demographics and spend.
"""

from __future__ import annotations

from collections.abc import Mapping

from custseg.dbt_vars import parse_var as _parse
from custseg.dbt_vars import var_overrides

BASE = {
    "k_min": 2, "k_max": 10, "k": None, "segments_min": 3, "segments_max": 8, "stability_bootstraps": 10,
    "stability_threshold": 0.8, "silhouette_tolerance": 0.02, "pca_components": None, "n_init": 10, "random_state": 42,
    "silhouette_sample_size": 6_000, "selection_sample_size": 10_000, "fit_sample_size": 50_000,
    "population_features": ["birth_year", "income", "household_size", "children"],
    "population_log1p": [], "population_k": None,
}

SAMPLE_FEATURES = ["recency_days", "frequency", "monetary", "average_order_value", "age", "income",
                   "household_size", "children", "channel_share_web", "channel_share_store",
                   "channel_share_catalog"]

DATASETS: dict[str, dict] = {
    "sample": {"features": SAMPLE_FEATURES,
               "log1p": ["recency_days", "frequency", "monetary", "average_order_value"]},
    "online_retail": {"features": ["recency_days", "frequency", "monetary"],
                      "log1p": ["recency_days", "frequency", "monetary"]},
    "customer_personality": {"features": ["recency_days", "total_spend", "income", "age", "children", "teens",
                                          "web_visits", "purchases_deals", "channel_share_web",
                                          "channel_share_store", "channel_share_catalog"],
                             "log1p": ["total_spend", "income"]},
    "coil2000": {"features": ["recency_days", "frequency", "monetary"],
                 "log1p": ["recency_days", "frequency", "monetary"]},
    "user": {"features": ["recency_days", "frequency", "monetary", "average_order_value"],
             "log1p": ["recency_days", "frequency", "monetary", "average_order_value"]},
}



def feature_set(feature_sets, dataset: str | None, model: str) -> dict:
    """Features and log1p list of one model from the seed ``model_feature_sets``.

    ``feature_sets`` has columns dataset, model, feature_name, transform. Features are sorted
    by name (a table has no row order, and the feature order must not change between builds).
    ``model`` is 'segmentation' or 'population'. No rows -> {} (the package defaults apply).
    """
    if feature_sets is None:
        return {}
    from custseg.segmentation.inputs import to_pandas

    df = to_pandas(feature_sets, "model_feature_sets")
    dataset = _parse(dataset) or "sample"
    rows = df[(df["dataset"].astype(str) == dataset) & (df["model"].astype(str) == model)]
    if len(rows) == 0:
        return {}
    rows = rows.sort_values("feature_name")
    features = rows["feature_name"].astype(str).tolist()
    log1p = rows.loc[rows["transform"].astype(str) == "log1p", "feature_name"].astype(str).tolist()
    prefix = "" if model == "segmentation" else "population_"
    return {f"{prefix}features": features, f"{prefix}log1p": log1p}


def resolve_settings(dataset: str | None, overrides: Mapping | str | None = None,
                     seed_features: Mapping | None = None) -> dict:
    """The settings of one build: base defaults < data set defaults < ``seed_features``
    (from the seed model_feature_sets, see :func:`feature_set`) < ``overrides`` (var)."""
    dataset = _parse(dataset) or "sample"
    overrides = var_overrides("segmentation", overrides, set(BASE) | {"features", "log1p"})
    overrides = {**{key: _parse(v) for key, v in (seed_features or {}).items()}, **overrides}
    settings = {**BASE, **DATASETS.get(dataset, DATASETS["sample"]), **overrides}
    settings["dataset"] = dataset
    return settings


def fit_options(settings: Mapping, population: bool = False) -> dict:
    """Keyword arguments of :func:`custseg.segmentation.fit.fit_segments` from settings."""
    opts = {
        "k_range": range(int(settings["k_min"]), int(settings["k_max"]) + 1),
        "fixed_k": settings["population_k"] if population else settings["k"],
        "pca_components": None if population else settings["pca_components"],
        "n_init": int(settings["n_init"]), "random_state": int(settings["random_state"]),
        "silhouette_sample_size": settings["silhouette_sample_size"],
        "selection_sample_size": settings["selection_sample_size"],
        "fit_sample_size": settings["fit_sample_size"],
        "silhouette_tolerance": float(settings["silhouette_tolerance"]),
        # the population comparison keeps the plain silhouette rule: its segments are not campaign targets
        "segments_min": 2 if population else int(settings["segments_min"]),
        "segments_max": None if population else settings["segments_max"],
        "stability_bootstraps": 0 if population else int(settings["stability_bootstraps"]),
        "stability_threshold": float(settings["stability_threshold"]),
    }
    log1p = settings["population_log1p"] if population else settings["log1p"]
    opts["transforms"] = {f: "log1p" for f in log1p or []}
    return opts
