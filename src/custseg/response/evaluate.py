"""Stratified cross-validation of every candidate on the labeled rows only.

The folds are the same for every candidate (one ``StratifiedKFold(shuffle=True, random_state)`` over rows
sorted by customer_id), each pipeline is cloned and fitted on the training part of a fold only (imputation
and scaling included), and every metric of :mod:`.metrics` is computed on the held-out part. The
out-of-fold probabilities are kept: the gains table is built from them, so it is an honest estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from custseg.response.candidates import Candidate
from custseg.response.metrics import LOWER_IS_BETTER, METRICS, fold_metrics


@dataclass
class CandidateCV:
    candidate: Candidate
    fold_metrics: dict[str, list[float]]  # metric -> one value per fold
    oof_probability: np.ndarray  # aligned with the labeled rows

    def mean(self, metric: str) -> float:
        return float(np.mean(self.fold_metrics[metric]))

    def std(self, metric: str) -> float:
        """Sample standard deviation across folds (ddof=1)."""
        vals = self.fold_metrics[metric]
        return float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0


def make_folds(y: np.ndarray, n_folds: int, random_state: int) -> list[tuple[np.ndarray, np.ndarray]]:
    y = np.asarray(y)
    counts = np.bincount(y.astype(np.int64), minlength=2)
    if counts.min() < n_folds:
        raise ValueError(
            f"need at least n_folds={n_folds} labeled customers of each class for stratified CV; "
            f"got {int(counts[0])} negatives and {int(counts[1])} positives"
        )
    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    return list(skf.split(np.zeros(len(y)), y))


def make_repeated_folds(y: np.ndarray, n_folds: int, n_repeats: int,
                        random_state: int) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Repeated stratified CV: repeat r (1-based) shuffles with seed ``random_state + r - 1``, so repeat 1 is
    :func:`make_folds` itself."""
    if int(n_repeats) < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats}")
    return [make_folds(y, n_folds, random_state + r) for r in range(int(n_repeats))]


def cross_validate(candidate: Candidate, X: np.ndarray, y: np.ndarray, ids: np.ndarray,
                   folds: list[tuple[np.ndarray, np.ndarray]], random_state: int,
                   scale_to: float) -> CandidateCV:
    pipe = candidate.build(random_state=random_state)
    oof = np.full(len(y), np.nan)
    per_metric: dict[str, list[float]] = {m: [] for m in METRICS}
    for train, test in folds:
        model = clone(pipe).fit(X[train], y[train])
        prob = model.predict_proba(X[test])[:, 1]
        oof[test] = prob
        for name, value in fold_metrics(y[test], prob, ids[test], scale_to).items():
            per_metric[name].append(value)
    return CandidateCV(candidate=candidate, fold_metrics=per_metric, oof_probability=oof)


def choose(results: list[CandidateCV], selection_metric: str) -> int:
    """Index of the best candidate by CV mean; ties go to the earlier candidate (logistic first)."""
    if selection_metric not in METRICS:
        raise ValueError(f"unknown selection_metric {selection_metric!r}; expected one of {list(METRICS)}")
    sign = -1.0 if selection_metric in LOWER_IS_BETTER else 1.0
    best, best_value = 0, -np.inf
    for i, r in enumerate(results):
        value = sign * r.mean(selection_metric)
        if value > best_value:
            best, best_value = i, value
    return best


def stratified_sample(y: np.ndarray, sample_size: int | None, random_state: int) -> np.ndarray:
    """Sorted row indices of a fixed stratified random sample of ``sample_size`` rows (all rows when there are
    fewer): each class keeps its share (rounded), drawn with ``random_state``."""
    y = np.asarray(y)
    n = len(y)
    if sample_size is None or n <= int(sample_size):
        return np.arange(n)
    rng = np.random.default_rng(random_state)
    picked = []
    for cls in np.unique(y):
        rows = np.flatnonzero(y == cls)
        take = max(1, int(round(len(rows) * int(sample_size) / n)))
        picked.append(rng.choice(rows, size=min(take, len(rows)), replace=False))
    return np.sort(np.concatenate(picked))


def cross_validate_predictions(candidate: Candidate, X: np.ndarray, y: np.ndarray,
                               folds: list[tuple[np.ndarray, np.ndarray]], random_state: int,
                               n_threads: int | None = 1) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities: ``(fold, probability)`` per row (fold numbers 1..n_folds), each row scored by
    the candidate fitted on the other folds only (preprocessing included)."""
    from threadpoolctl import threadpool_limits

    pipe = candidate.build(random_state=random_state)
    fold = np.zeros(len(y), dtype=np.int64)
    prob = np.full(len(y), np.nan)
    with threadpool_limits(limits=n_threads) if n_threads is not None else _no_limit():
        for number, (train, test) in enumerate(folds, start=1):
            prob[test] = clone(pipe).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
            fold[test] = number
    return fold, prob


def _no_limit():
    from contextlib import nullcontext

    return nullcontext()
