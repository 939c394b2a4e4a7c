"""What the response model's dbt Python models call: one function per model, one table each.

- :func:`response_cv_predictions`   int_response_fit_sample (the labeled customers of response_training_set, up to
  var response_fit_rows) -> the out-of-fold probability of every candidate for every customer of a bounded
  stratified sample (candidate, params, fold, customer, label, probability). ``response_model_metrics`` (SQL)
  computes the metrics from it and marks the chosen candidate.
- :func:`response_logit_coefficients`  the best logistic candidate (by int_response_candidate_summary, the choice
  that response_model_metrics shows) refit on every customer of int_response_fit_sample, as data (scored in SQL
  by macro score_response_logit)
- :func:`response_tree_nodes`       the best gradient-boosting candidate refit, as a node table (macro
  score_response_trees)
- :func:`response_selection_estimates`  the chosen candidate's selection-aware estimate per metric (BBC-CV over
  the out-of-fold predictions of every candidate, blends included)
- :func:`response_feature_importance`  permutation importance of the chosen candidate's refit
- :func:`response_scores_python`    the check: both refits' ``predict_proba`` for every customer of
  response_training_set, which data tests
  compare with the SQL scores

Inputs are pyarrow Tables (:func:`custseg.dbt_io.to_arrow`). Settings: var ``dataset``, var ``response`` and the
seed ``model_feature_sets`` (:mod:`custseg.response.settings`). Refits are memoized on disk
(:mod:`custseg.fit_cache`), so the importance and the check load the fit instead of repeating it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg.fit_cache import fit_key, memoized
from custseg.model_check import assert_same_model
from custseg.response.candidates import BLEND, HGB, LOGIT, BlendClassifier, Candidate, default_candidates
from custseg.response.evaluate import cross_validate_predictions, make_repeated_folds, stratified_sample
from custseg.response.explain import logit_coefficients_table, permutation_importance_table
from custseg.response.inputs import ResponseData, prepare_response_data, to_pandas
from custseg.response.settings import feature_set, resolve_settings
from custseg.response.transforms import transform_frame

CV_COLUMNS = {"candidate_position": "int64", "candidate": "object", "params": "object", "cv_repeat": "int64",
              "fold": "int64", "customer_id": "object", "label": "int64", "probability": "float64"}
COEFFICIENT_DTYPES = {"feature_name": "object", "feature_position": "int64", "impute_value": "float64",
                      "scaler_mean": "float64", "scaler_scale": "float64", "coefficient": "float64",
                      "transform": "object", "params": "object"}
IMPORTANCE_DTYPES = {"feature_name": "object", "feature_position": "int64", "importance_mean": "float64",
                     "importance_std": "float64", "importance_rank": "int64", "method": "object",
                     "model": "object"}
PYTHON_SCORE_DTYPES = {"customer_id": "object", "logit_probability": "float64", "tree_probability": "float64"}


def _empty(dtypes: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})


@dataclass(frozen=True)
class Inputs:
    """The validated training set with the build's settings."""

    data: ResponseData
    frame: pd.DataFrame  # customer_id, label, features (transformed), sorted by customer_id
    settings: dict
    transforms: dict

    @property
    def has_labels(self) -> bool:
        return bool(self.data.labeled.any())


def inputs(training_set, feature_sets=None, dataset: str | None = None,
           overrides: Mapping | str | None = None) -> Inputs:
    """``response_training_set`` validated, with the features of the seed (or var) and their transforms."""
    settings = resolve_settings(dataset, overrides, feature_set(feature_sets, dataset))
    df = to_pandas(training_set)
    features = settings["features"]
    if features is None:  # no feature list: every numeric column but the id and the label
        features = [c for c in df.columns if c not in ("customer_id", "label", "is_labeled")
                    and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    cols = ["customer_id", "label", *features]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"response_training_set has no column(s) {missing} (features from model_feature_sets "
                         f"or var 'response')")
    transforms = {f: "log1p" for f in settings["log1p"] or [] if f in features}
    df = df[cols].sort_values("customer_id", kind="stable").reset_index(drop=True)
    df = transform_frame(df, list(transforms), transforms)
    data = prepare_response_data(df, label_col="label", id_col="customer_id", feature_cols=features)
    return Inputs(data=data, frame=df, settings=settings, transforms=transforms)


def _candidates(inp: Inputs) -> list[Candidate]:
    return default_candidates(class_weight=inp.settings["class_weight"])


def response_cv_predictions(training_set, feature_sets=None, dataset=None, overrides=None) -> pd.DataFrame:
    """Out-of-fold probabilities of every candidate on the same stratified folds of a bounded stratified sample
    of the labeled customers (``cv_sample_size``, default 10,000; all of them when fewer), ``n_repeats`` times
    with a new shuffle each (repeat 1..n_repeats)."""
    inp = inputs(training_set, feature_sets, dataset, overrides)
    if not inp.has_labels:
        return _empty(CV_COLUMNS)
    d, s = inp.data, inp.settings
    rows = stratified_sample(d.y_labeled, s["cv_sample_size"], int(s["random_state"]))
    X, y, ids = d.X_labeled[rows], d.y_labeled[rows], d.ids_labeled[rows]
    repeats = make_repeated_folds(y, int(s["n_folds"]), int(s["n_repeats"]), int(s["random_state"]))
    key = fit_key("response_cv", [inp.frame], {k: v for k, v in s.items() if k in _FIT_KEYS})

    def compute() -> pd.DataFrame:
        parts = []
        for position, candidate in enumerate(_candidates(inp), start=1):
            for repeat, folds in enumerate(repeats, start=1):
                fold, prob = cross_validate_predictions(candidate, X, y, folds, int(s["random_state"]))
                parts.append(pd.DataFrame({
                    "candidate_position": position, "candidate": candidate.name, "params": candidate.params_json,
                    "cv_repeat": repeat, "fold": fold, "customer_id": ids, "label": y, "probability": prob}))
        return pd.concat(parts, ignore_index=True)[list(CV_COLUMNS)].astype(CV_COLUMNS)

    return memoized("response_cv", key, compute)


# The settings that change a fit (the SQL-owned ones, e.g. the target list's size, never do).
_FIT_KEYS = ("features", "log1p", "n_folds", "n_repeats", "random_state", "class_weight", "cv_sample_size")


def _best_of_family(model_metrics, family: str) -> Candidate | None:
    """The candidate of ``family`` that ``model_metrics`` (int_response_candidate_summary, the choice that
    response_model_metrics shows) marks ``is_stored`` (the chosen candidate's logistic / boosting component, else
    the family's best; None: not searched)."""
    m = to_pandas(model_metrics)
    rows = m[(m["candidate"].astype(str) == family) & m["is_stored"].astype(bool)]
    if len(rows) == 0:
        return None
    return Candidate(family, json.loads(str(rows["params"].iloc[0])))


def _chosen(model_metrics) -> Candidate | None:
    m = to_pandas(model_metrics)
    rows = m[m["is_chosen"].astype(bool)]
    return None if len(rows) == 0 else Candidate(str(rows["candidate"].iloc[0]),
                                                 json.loads(str(rows["params"].iloc[0])))


def refit(inp: Inputs, candidate: Candidate):
    """``candidate`` fitted on every labeled customer of ``inp`` (int_response_fit_sample; memoized on disk); a
    blend: its components' refits."""
    if candidate.name == BLEND:
        return BlendClassifier([refit(inp, c) for c in candidate.components()])
    d, s = inp.data, inp.settings
    key = fit_key("response_refit", [inp.frame], {**{k: v for k, v in s.items() if k in _FIT_KEYS},
                                                  "candidate": candidate.name, "params": candidate.params_json})
    return memoized("response_refit", key,
                    lambda: _fit_one(candidate, d.X_labeled, d.y_labeled, int(s["random_state"])))


def _fit_one(candidate: Candidate, X, y, random_state: int):
    with _one_thread():
        return candidate.build(random_state).fit(X, y)


def response_logit_coefficients(training_set, model_metrics, feature_sets=None, dataset=None,
                                overrides=None) -> pd.DataFrame:
    inp = inputs(training_set, feature_sets, dataset, overrides)
    candidate = _best_of_family(model_metrics, LOGIT)
    if candidate is None or not inp.has_labels:
        return _empty(COEFFICIENT_DTYPES)
    table = logit_coefficients_table(refit(inp, candidate), inp.data.feature_names, inp.transforms)
    return table.assign(params=candidate.params_json)[list(COEFFICIENT_DTYPES)].astype(COEFFICIENT_DTYPES)


def response_tree_nodes(training_set, model_metrics, feature_sets=None, dataset=None,
                        overrides=None) -> pd.DataFrame:
    from custseg.response.trees import empty_tree_nodes_table, tree_nodes_table

    inp = inputs(training_set, feature_sets, dataset, overrides)
    candidate = _best_of_family(model_metrics, HGB)
    if candidate is None or not inp.has_labels:
        return empty_tree_nodes_table().assign(params=pd.Series(dtype="object"))
    table = tree_nodes_table(refit(inp, candidate), inp.data.feature_names, inp.transforms)
    return table.assign(params=candidate.params_json)


def response_feature_importance(training_set, model_metrics, coefficients, tree_nodes, feature_sets=None,
                                dataset=None, overrides=None) -> pd.DataFrame:
    """Permutation importance (drop of ROC-AUC, in-sample, at most 2,000 rows) of the chosen candidate's refit,
    which must be the model stored in its family's table (``coefficients`` or ``tree_nodes``)."""
    inp = inputs(training_set, feature_sets, dataset, overrides)
    candidate = _chosen(model_metrics)
    if candidate is None or not inp.has_labels:
        return _empty(IMPORTANCE_DTYPES)
    d = inp.data
    model = refit(inp, candidate)
    for part in candidate.components():
        _check_stored(inp, part.name, refit(inp, part), coefficients, tree_nodes)

    def compute() -> pd.DataFrame:
        with _one_thread():
            return permutation_importance_table(model, d.X_labeled, d.y_labeled, d.feature_names, n_repeats=3,
                                                random_state=int(inp.settings["random_state"]), max_rows=2000)

    key = fit_key("response_importance", [inp.frame], {**{k: v for k, v in inp.settings.items() if k in _FIT_KEYS},
                                                       "candidate": candidate.name, "params": candidate.params_json})
    table = memoized("response_importance", key, compute)
    return table.assign(model=candidate.name)[list(IMPORTANCE_DTYPES)].astype(IMPORTANCE_DTYPES)


def response_selection_estimates(cv_candidates, candidate_summary, dataset=None, overrides=None) -> pd.DataFrame:
    """Per metric, the selection-aware estimate of the chosen candidate (BBC-CV, :mod:`.selection`): mean and
    interval over ``selection_bootstraps`` resamples of the out-of-fold predictions of every candidate
    (``int_response_cv_candidates``), the rule and the standard errors from ``int_response_candidate_summary``."""
    from custseg.response.selection import ESTIMATE_COLUMNS, bbc_estimates, summarize

    settings = resolve_settings(dataset, overrides)
    cv, summary = to_pandas(cv_candidates), to_pandas(candidate_summary)
    if len(cv) == 0:
        return _empty(ESTIMATE_COLUMNS)
    key = fit_key("response_selection", [cv, summary],
                  {k: settings[k] for k in ("selection_bootstraps", "random_state")})
    return memoized("response_selection", key, lambda: _selection_estimates(cv, summary, settings))


def _selection_estimates(cv: pd.DataFrame, summary: pd.DataFrame, settings: dict) -> pd.DataFrame:
    from custseg.response.selection import ESTIMATE_COLUMNS, bbc_estimates, summarize

    metric = str(summary["selection_metric"].iloc[0])
    sel = summary[summary["metric"] == metric].sort_values("candidate_position")
    positions = sel["candidate_position"].to_numpy()
    cv = cv.sort_values(["cv_repeat", "candidate_position", "customer_id"], kind="stable")
    ids = np.sort(cv["customer_id"].astype(str).unique())
    prob = cv["probability"].to_numpy(dtype=float).reshape(cv["cv_repeat"].nunique(), len(positions), len(ids))
    first = cv[(cv["cv_repeat"] == cv["cv_repeat"].min()) & (cv["candidate_position"] == positions[0])]
    scale = summary["hits_scale_to"].iloc[0]
    values = bbc_estimates(first["label"].to_numpy(), ids, prob, sel["cv_se"].to_numpy(dtype=float), metric,
                           str(summary["selection_rule"].iloc[0]), None if pd.isna(scale) else float(scale),
                           int(settings["selection_bootstraps"]), int(settings["random_state"]))
    rows = [{"metric": m, **v} for m, v in summarize(values).items()]
    return pd.DataFrame(rows)[list(ESTIMATE_COLUMNS)].astype(ESTIMATE_COLUMNS)


def _one_thread():
    """scikit-learn's predict on one OpenMP thread: dbt runs other models beside it on the 2 cores, and OpenMP
    threads waiting for each other made gradient boosting many times slower."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _check_stored(inp: Inputs, family: str, model, coefficients, tree_nodes) -> None:
    """Raise unless ``model`` is the one stored in its family's published table."""
    from custseg.response.trees import tree_nodes_table

    d = inp.data
    if family == LOGIT:
        assert_same_model(logit_coefficients_table(model, d.feature_names, inp.transforms), to_pandas(coefficients),
                          ["feature_position"], "response_logit_coefficients")
    else:
        assert_same_model(tree_nodes_table(model, d.feature_names, inp.transforms), to_pandas(tree_nodes),
                          ["tree_id", "node_id"], "response_tree_nodes")


def response_scores_python(training_set, fit_rows, model_metrics, coefficients, tree_nodes, feature_sets=None,
                           dataset=None, overrides=None) -> pd.DataFrame:
    """The check table: every customer of ``training_set``'s probability from both refits on ``fit_rows``
    (int_response_fit_sample), in Python (``predict_proba``).

    ``coefficients`` and ``tree_nodes`` are the published model tables: each refit must be the model stored
    there (else the check would compare SQL with some other model)."""
    fitted = inputs(fit_rows, feature_sets, dataset, overrides)
    if not fitted.has_labels:
        return _empty(PYTHON_SCORE_DTYPES)
    d = inputs(training_set, feature_sets, dataset, overrides).data
    out = pd.DataFrame({"customer_id": d.customer_id})
    for column, family in (("logit_probability", LOGIT), ("tree_probability", HGB)):
        candidate = _best_of_family(model_metrics, family)
        if candidate is None:
            out[column] = np.full(d.n, np.nan)
            continue
        model = refit(fitted, candidate)
        _check_stored(fitted, family, model, coefficients, tree_nodes)
        with _one_thread():
            out[column] = model.predict_proba(d.X)[:, 1]
    return out.astype(PYTHON_SCORE_DTYPES)

