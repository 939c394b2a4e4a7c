"""Settings of the response model in a dbt build: data-set defaults, the seed's feature list, var overrides.

The dbt models pass var ``dataset``, var ``response`` (a mapping, optional; JSON text accepted) and the seed
``model_feature_sets`` (rows with model = 'response'). Precedence: BASE < data-set defaults < seed < var.

=====================  ===================================================================================
key                    meaning
=====================  ===================================================================================
features, log1p        feature columns of response_training_set and those that get the log1p transform
n_folds, random_state  stratified CV folds (5) and the seed of everything (0)
selection_metric       metric that picks model and hyper-parameters (roc_auc)
class_weight           'balanced' (default) or null
hits_scale_to          population size hits_top_20pct is scaled to (null = labeled customers; coil2000: 4000)
targets_top            campaign_targets size: an int (count) or a float in (0, 1] (share)
targets_population     who may be targeted: 'all', 'labeled' or 'unlabeled' (coil2000: the 4,000 evaluation
                       households, which carry no label)
=====================  ===================================================================================
"""

from __future__ import annotations

from collections.abc import Mapping

from custseg.dbt_vars import parse_var as _parse

BASE = {
    "features": None, "log1p": [], "n_folds": 5, "random_state": 0, "selection_metric": "roc_auc",
    "class_weight": "balanced", "hits_scale_to": None, "targets_top": 0.2, "targets_population": "all",
}
DATASETS: dict[str, dict] = {
    "coil2000": {"hits_scale_to": 4000, "targets_top": 800, "targets_population": "unlabeled"},
}



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
    overrides = _parse(overrides) or {}
    if not isinstance(overrides, Mapping):
        raise ValueError(f"var 'response' must be a mapping, got {overrides!r}")
    unknown = sorted(set(overrides) - set(BASE))
    if unknown:
        raise ValueError(f"var 'response': unknown key(s) {unknown}; expected some of {sorted(BASE)}")
    settings = {**BASE, **DATASETS.get(dataset, {}), **(seed_features or {}),
                **{k: _parse(v) if k != "targets_population" else v for k, v in overrides.items()}}
    settings["dataset"] = dataset
    return settings
