"""Entry points of the thin dbt Python models (``python_models/response/*.py``).

One fit produces six tables. It is cached in-process (dbt-duckdb runs Python models inside the dbt process),
keyed by a hash of the input rows and the settings, so one ``dbt build`` fits once, and a model run alone
still gets the same (deterministic) result. custseg.fit_cache.shared_fit holds it: models of one fit wait for it,
different fits (other dbt threads) run side by side.
Input: ``response_training_set`` (customer_id, label 0/1/null, feature columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from custseg.fit_cache import fit_key, shared_fit
from custseg.response.candidates import default_candidates
from custseg.response.fit import ResponseModelResult, empty_table, fit_response_model
from custseg.response.inputs import to_pandas
from custseg.response.settings import feature_set, resolve_settings
from custseg.workers import map_in_workers

def response_model(training_set, dataset: str | None = None, overrides: Mapping | str | None = None,
                   feature_sets=None) -> tuple[ResponseModelResult, dict]:
    """The (cached) fit on ``response_training_set`` with the data set's settings."""
    settings = resolve_settings(dataset, overrides, feature_set(feature_sets, settings_dataset(dataset)))
    df = to_pandas(training_set)
    features = settings["features"]
    if features is None:  # no feature list: every numeric column but the id and the label
        features = [c for c in df.columns if c not in ("customer_id", "label", "is_labeled")
                    and (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))]
    cols = ["customer_id", "label", *features]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"response_training_set has no column(s) {missing} (features from model_feature_sets "
                         f"or var 'response')")
    df = df[cols].sort_values("customer_id", kind="stable").reset_index(drop=True)
    # The target list's settings (targets_*) only pick rows from the scores: they never change the fit.
    key = fit_key("response", [df], {k: v for k, v in settings.items() if not k.startswith("targets_")})
    fit = partial(fit_response_model, df, label_col="label", id_col="customer_id", feature_cols=features,
                  candidates=default_candidates(class_weight=settings["class_weight"]),
                  n_folds=int(settings["n_folds"]), random_state=int(settings["random_state"]),
                  selection_metric=settings["selection_metric"], hits_scale_to=settings["hits_scale_to"],
                  transforms={f: "log1p" for f in settings["log1p"] or [] if f in features},
                  task_map=map_in_workers)
    # The fit hands its candidates to the worker processes itself (custseg.workers.map_in_workers).
    return shared_fit("response", key, fit, in_worker=False), settings


def settings_dataset(dataset) -> str:
    from custseg.response.settings import _parse

    return _parse(dataset) or "sample"


def response_table(name: str, training_set, dataset=None, overrides=None, feature_sets=None) -> pd.DataFrame:
    """One output table by name: response_scores, response_model_metrics, response_gains, campaign_targets,
    response_feature_importance, response_logit_coefficients."""
    result, settings = response_model(training_set, dataset, overrides, feature_sets)
    if name == "campaign_targets":
        top = settings["targets_top"]
        if isinstance(top, float) and top > 1 and top.is_integer():
            top = int(top)
        return result.targets(top, settings["targets_population"])
    table = result.table(name)
    return table if len(table) else empty_table(name)


_ARROW_TYPES = {"object": "string", "float64": "float64", "int64": "int64", "Int64": "int64", "bool": "bool"}


def response_arrow_table(name: str, training_set, dataset=None, overrides=None, feature_sets=None):
    """:func:`response_table` as a pyarrow Table with explicit column types (also when empty)."""
    import pyarrow as pa

    from custseg.response.fit import TABLE_COLUMNS

    df = response_table(name, training_set, dataset, overrides, feature_sets)
    schema = pa.schema([(c, pa.type_for_alias(_ARROW_TYPES[t])) for c, t in TABLE_COLUMNS[name].items()])
    return pa.Table.from_pandas(df[list(TABLE_COLUMNS[name])], schema=schema, preserve_index=False)
