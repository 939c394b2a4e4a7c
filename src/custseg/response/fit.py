"""The whole response-model run: validate -> cross-validate every candidate -> choose -> refit -> tables.

``fit_response_model`` returns a :class:`ResponseModelResult` holding the output tables as pandas
DataFrames with fixed columns (see ``TABLE_COLUMNS``):

- ``metrics``      response_model_metrics: candidate x params x metric, CV mean and spread, the chosen marked
- ``scores``       response_scores: every customer (labeled or not), probability, decile, label
- ``gains``        response_gains: deciles of the chosen model's out-of-fold probabilities (labeled only)
- ``importance``   response_feature_importance: permutation importance of the refit chosen model
- ``coefficients`` response_logit_coefficients: the best logistic candidate refit on all labeled rows
                   (always present, even when gradient boosting is chosen)

and ``targets(top, population)`` builds campaign_targets from the scores. With no labeled customers at
all, every table is returned empty with the same columns (a data set without responses).
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from custseg.response.candidates import HGB, LOGIT, Candidate, default_candidates
from custseg.response.deciles import assign_deciles
from custseg.response.evaluate import CandidateCV, choose, cross_validate, make_folds
from custseg.response.explain import (
    COEFFICIENT_COLUMNS,
    IMPORTANCE_COLUMNS,
    logit_coefficients_table,
    permutation_importance_table,
)
from custseg.response.gains import GAINS_COLUMNS, gains_table
from custseg.response.inputs import ResponseData, prepare_response_data
from custseg.response.metrics import METRICS
from custseg.response.targets import TARGET_COLUMNS, campaign_targets

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "response_model_metrics": {
        "candidate": "object", "params": "object", "metric": "object", "cv_mean": "float64",
        "cv_std": "float64", "n_folds": "int64", "is_chosen": "bool", "selection_metric": "object",
    },
    "response_scores": {
        "customer_id": "object", "response_probability": "float64", "response_decile": "int64",
        "is_labeled": "bool", "label": "Int64", "logit_probability": "float64", "model": "object",
    },
    "response_gains": {c: ("int64" if c in ("decile", "customers", "responders", "cumulative_responders")
                           else "float64") for c in GAINS_COLUMNS},
    "campaign_targets": {"rank": "int64", "customer_id": "object", "response_probability": "float64",
                         "response_decile": "int64"},
    "response_feature_importance": {
        "feature_name": "object", "feature_position": "int64", "importance_mean": "float64",
        "importance_std": "float64", "importance_rank": "int64", "method": "object", "model": "object",
    },
    "response_logit_coefficients": {
        "feature_name": "object", "feature_position": "int64", "impute_value": "float64",
        "scaler_mean": "float64", "scaler_scale": "float64", "coefficient": "float64", "transform": "object",
        "params": "object",
    },
}
assert list(TABLE_COLUMNS["response_gains"]) == GAINS_COLUMNS
assert list(TABLE_COLUMNS["campaign_targets"]) == TARGET_COLUMNS
assert list(TABLE_COLUMNS["response_logit_coefficients"])[:7] == COEFFICIENT_COLUMNS
assert list(TABLE_COLUMNS["response_feature_importance"])[:6] == IMPORTANCE_COLUMNS


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the columns and dtypes of ``name`` (a key of TABLE_COLUMNS)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in TABLE_COLUMNS[name].items()})


def _conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    cols = TABLE_COLUMNS[name]
    return df[list(cols)].astype(cols).reset_index(drop=True)


@dataclass
class ResponseModelResult:
    data: ResponseData
    cv_results: list[CandidateCV]
    chosen: Candidate | None
    model: Pipeline | None
    logit_candidate: Candidate | None
    logit_model: Pipeline | None
    metrics: pd.DataFrame
    scores: pd.DataFrame
    gains: pd.DataFrame
    importance: pd.DataFrame
    coefficients: pd.DataFrame
    timings_seconds: dict[str, float] = field(default_factory=dict)

    def targets(self, top: int | float, population: str | Iterable[str] = "all") -> pd.DataFrame:
        if len(self.scores) == 0:
            return empty_table("campaign_targets")
        return _conform(campaign_targets(self.scores, top, population), "campaign_targets")

    def metric(self, metric: str, candidate: Candidate | None = None) -> float:
        """CV mean of ``metric`` for ``candidate`` (default: the chosen one)."""
        cand = candidate or self.chosen
        for r in self.cv_results:
            if r.candidate == cand:
                return r.mean(metric)
        raise KeyError(cand)

    def table(self, name: str) -> pd.DataFrame:
        return {
            "response_model_metrics": self.metrics, "response_scores": self.scores,
            "response_gains": self.gains, "response_feature_importance": self.importance,
            "response_logit_coefficients": self.coefficients,
        }[name]


def _metrics_table(results: list[CandidateCV], chosen: int, n_folds: int, selection_metric: str) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(results):
        for m in METRICS:
            rows.append({"candidate": r.candidate.name, "params": r.candidate.params_json, "metric": m,
                         "cv_mean": r.mean(m), "cv_std": r.std(m), "n_folds": n_folds,
                         "is_chosen": i == chosen, "selection_metric": selection_metric})
    return _conform(pd.DataFrame(rows), "response_model_metrics")


# task_map(fn, items) -> [fn(item) for item in items], run however the caller likes
TaskMap = Callable[[Callable[[Any], Any], Sequence[Any]], list]


def _in_turn(fn: Callable[[Any], Any], items: Sequence[Any]) -> list:
    return [fn(item) for item in items]


def fit_response_model(
    data: Any,
    label_col: str = "label",
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    candidates: Sequence[Candidate] | None = None,
    n_folds: int = 5,
    random_state: int = 0,
    selection_metric: str = "roc_auc",
    hits_scale_to: float | None = None,
    importance_repeats: int = 3,
    importance_max_rows: int = 2000,
    n_threads: int | None = 1,
    transforms: dict[str, str] | None = None,
    task_map: TaskMap | None = None,
) -> ResponseModelResult:
    """Run the response model end to end. See the module docstring for the outputs.

    ``hits_scale_to``: population size the ``hits_top_20pct`` metric is scaled to (default: the number of
    labeled customers; 4000 for the CoIL 2000 comparison).
    ``n_threads``: OpenMP/BLAS threads for fitting (default 1). One thread is the fast choice when the
    machine is shared (a dbt build runs models in parallel): OpenMP worker threads spin-wait, and an
    oversubscribed 2-core machine made gradient boosting ten times slower with 2 threads than with 1.
    ``None`` leaves the libraries' defaults.
    ``transforms``: feature -> 'log1p' / 'none', applied to the raw columns before everything else and
    recorded in the coefficient table (so SQL scoring reads the raw columns).
    ``task_map(fn, items) -> list``: how the candidates' cross-validations and the refits run (default: one
    after the other, here); a caller may run them side by side its own way
    (each task applies ``n_threads`` itself, so the result is the same either way).
    """
    task_map = task_map or _in_turn
    if transforms:
        from custseg.response.inputs import to_pandas
        from custseg.response.transforms import transform_frame

        data = transform_frame(to_pandas(data), list(transforms), transforms)
    with _thread_limit(n_threads):
        return _fit(data, label_col, id_col, feature_cols, exclude, candidates, n_folds, random_state,
                    selection_metric, hits_scale_to, importance_repeats, importance_max_rows, transforms or {},
                    n_threads, task_map)


def _thread_limit(n_threads: int | None):
    return nullcontext() if n_threads is None else threadpool_limits(limits=n_threads)


def _cross_validate_task(candidate: Candidate, X, y, ids, folds, random_state: int, scale_to: float,
                         n_threads: int | None) -> CandidateCV:
    """One candidate's cross-validation, under the fit's thread limit (also in a worker process)."""
    with _thread_limit(n_threads):
        return cross_validate(candidate, X, y, ids, folds, random_state, scale_to)


def _refit_task(candidate: Candidate, X, y, random_state: int, n_threads: int | None) -> Pipeline:
    """``candidate`` fitted on every labeled row, under the fit's thread limit."""
    with _thread_limit(n_threads):
        return candidate.build(random_state).fit(X, y)


def _fit(data, label_col, id_col, feature_cols, exclude, candidates, n_folds, random_state,
         selection_metric, hits_scale_to, importance_repeats, importance_max_rows, transforms,
         n_threads, task_map) -> ResponseModelResult:
    t0 = time.perf_counter()
    rd = prepare_response_data(data, label_col=label_col, id_col=id_col, feature_cols=feature_cols,
                               exclude=exclude)
    candidates = list(candidates) if candidates is not None else default_candidates()
    if not candidates:
        raise ValueError("no candidates to evaluate")
    if selection_metric not in METRICS:
        raise ValueError(f"unknown selection_metric {selection_metric!r}; expected one of {list(METRICS)}")
    n_labeled = int(rd.labeled.sum())
    if n_labeled == 0:
        empty = {name: empty_table(name) for name in TABLE_COLUMNS}
        return ResponseModelResult(rd, [], None, None, None, None, empty["response_model_metrics"],
                                   empty["response_scores"], empty["response_gains"],
                                   empty["response_feature_importance"], empty["response_logit_coefficients"],
                                   {"total": time.perf_counter() - t0})
    X, y, ids = rd.X_labeled, rd.y_labeled, rd.ids_labeled
    scale_to = float(hits_scale_to) if hits_scale_to is not None else float(n_labeled)
    timings: dict[str, float] = {}

    t = time.perf_counter()
    folds = make_folds(y, n_folds, random_state)
    # Gradient boosting candidates take longest (10-14 s against 5-9 s at 10M order lines): they start first, so
    # the short ones fill in at the end when the candidates run side by side. Each one's CV is independent of
    # the others, so the order changes nothing in the results, which keep the candidates' order.
    order = sorted(range(len(candidates)), key=lambda i: (candidates[i].name != HGB, i))
    done = task_map(partial(_cross_validate_task, X=X, y=y, ids=ids, folds=folds, random_state=random_state,
                            scale_to=scale_to, n_threads=n_threads), [candidates[i] for i in order])
    results = [result for _, result in sorted(zip(order, done), key=lambda pair: pair[0])]
    chosen_i = choose(results, selection_metric)
    chosen = candidates[chosen_i]
    timings["cross_validation"] = time.perf_counter() - t

    t = time.perf_counter()
    logit_results = [r for r in results if r.candidate.name == LOGIT]
    if logit_results:
        logit_candidate = logit_results[choose(logit_results, selection_metric)].candidate
    else:  # no logistic candidate searched: fit the default one so the coefficient table always exists
        logit_candidate = default_candidates()[0]
    refits = task_map(partial(_refit_task, X=X, y=y, random_state=random_state, n_threads=n_threads),
                      [chosen] if logit_candidate == chosen else [chosen, logit_candidate])
    model, logit_model = refits[0], refits[-1]
    timings["refit"] = time.perf_counter() - t

    prob = model.predict_proba(rd.X)[:, 1]
    logit_prob = logit_model.predict_proba(rd.X)[:, 1]
    label = pd.array(np.where(rd.labeled, rd.label, 0).astype(np.int64), dtype="Int64")
    label[~rd.labeled] = pd.NA
    scores = pd.DataFrame({
        "customer_id": rd.customer_id, "response_probability": prob,
        "response_decile": assign_deciles(prob, rd.customer_id), "is_labeled": rd.labeled,
        "label": label, "logit_probability": logit_prob, "model": chosen.name,
    })

    gains = gains_table(results[chosen_i].oof_probability, y, ids)

    t = time.perf_counter()
    importance = permutation_importance_table(model, X, y, rd.feature_names,
                                              scoring="roc_auc", n_repeats=importance_repeats,
                                              random_state=random_state, max_rows=importance_max_rows)
    importance["model"] = chosen.name
    timings["importance"] = time.perf_counter() - t

    coefficients = logit_coefficients_table(logit_model, rd.feature_names, transforms)
    coefficients["params"] = logit_candidate.params_json
    timings["total"] = time.perf_counter() - t0

    return ResponseModelResult(
        data=rd, cv_results=results, chosen=chosen, model=model, logit_candidate=logit_candidate,
        logit_model=logit_model,
        metrics=_metrics_table(results, chosen_i, n_folds, selection_metric),
        scores=_conform(scores, "response_scores"),
        gains=_conform(gains, "response_gains"),
        importance=_conform(importance, "response_feature_importance"),
        coefficients=_conform(coefficients, "response_logit_coefficients"),
        timings_seconds=timings,
    )
