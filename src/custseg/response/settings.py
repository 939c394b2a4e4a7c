"""Settings of the response model in a dbt build: data-set defaults, the seed's feature list, var overrides.

The dbt models pass var ``dataset``, var ``response`` (a mapping, optional; JSON text accepted) and the seed
``model_feature_sets`` (rows with model = 'response'). Precedence: BASE < data-set defaults < seed < var.

=====================  ===================================================================================
key                    meaning
=====================  ===================================================================================
features, log1p        feature columns of response_training_set and those that get the log1p transform
n_folds, random_state  stratified CV folds (5) and the seed of everything (0)
n_repeats              repeats of the stratified CV, each with its own shuffle (3): folds x repeats fits per
                       candidate; the mean over more folds varies less, so the selection is less often a fluke
selection_bootstraps   resamples of the selection-aware estimate (BBC-CV, custseg/response/selection.py; 200)
class_weight           'balanced' (default) or null
cv_sample_size         labeled customers the candidates are cross-validated on: a fixed stratified sample of
                       this size (10,000; all of them when fewer) of int_response_fit_sample; the refit uses
                       every customer of int_response_fit_sample (the labeled customers, up to the top-level
                       var response_fit_rows, 200,000: a uniform sample by md5(customer_id), taken in SQL)
=====================  ===================================================================================

Keys read by the SQL models only (macro ``response_setting``, which holds their defaults per data set):
``selection_metric``, ``selection_rule``, ``hits_scale_to``, ``targets_top``, ``targets_population``. They never change a fit.
"""

from __future__ import annotations

from collections.abc import Mapping

from custseg.dbt_vars import parse_var as _parse
from custseg.dbt_vars import var_overrides

BASE = {
    "features": None, "log1p": [], "n_folds": 5, "n_repeats": 3, "random_state": 0, "class_weight": "balanced",
    "cv_sample_size": 10_000, "selection_bootstraps": 200,
}
DATASETS: dict[str, dict] = {}
SQL_KEYS = frozenset({"selection_metric", "selection_rule", "hits_scale_to", "targets_top", "targets_population"})



def feature_set(feature_sets, dataset: str | None) -> dict:
    """``{'features': [...], 'log1p': [...]}`` from the seed rows (dataset, model = 'response'), sorted by
    name so the order never depends on row order; {} when the seed has no rows for the data set."""
    if feature_sets is None:
        return {}
    from custseg.response.inputs import to_pandas

    df = to_pandas(feature_sets)
    rows = df[(df["dataset"].astype(str) == (dataset or "sample")) & (df["model"].astype(str) == "response")]
    if len(rows) == 0:
        return {}
    rows = rows.sort_values("feature_name")
    return {"features": rows["feature_name"].astype(str).tolist(),
            "log1p": rows.loc[rows["transform"].astype(str) == "log1p", "feature_name"].astype(str).tolist()}


def resolve_settings(dataset: str | None, overrides: Mapping | str | None = None,
                     seed_features: Mapping | None = None) -> dict:
    dataset = _parse(dataset) or "sample"
    overrides = var_overrides("response", overrides, set(BASE) | SQL_KEYS)
    settings = {**BASE, **DATASETS.get(dataset, {}), **(seed_features or {}),
                **{k: v for k, v in overrides.items() if k not in SQL_KEYS}}
    settings["dataset"] = dataset
    return settings
