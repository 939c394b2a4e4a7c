"""Metric definitions used for every held-out fold.

- ``roc_auc``          area under the ROC curve.
- ``pr_auc``           average precision (area under the precision-recall curve, step-wise).
- ``log_loss``         mean negative log-likelihood (lower is better).
- ``brier``            mean squared error of the probability (lower is better).
- ``top_decile_lift``  response rate among the top 10 % of the fold (by probability, ties by customer_id)
                       divided by the fold's response rate.
- ``hits_top_20pct``   positives among the top 20 % of the fold, scaled to a reference population size:
                       ``hits_in_top_k * scale_to / n_fold`` with ``k = round(0.2 * n_fold)``. ``scale_to``
                       defaults to the number of labeled customers, so the figure reads "positives we would
                       find in the top 20 % of the whole labeled set". For CoIL 2000 set ``scale_to=4000`` to
                       compare with the challenge (winner: 121 hits in the top 800 of 4,000; random ~48).
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

METRICS: tuple[str, ...] = ("roc_auc", "pr_auc", "log_loss", "brier", "top_decile_lift", "hits_top_20pct")
LOWER_IS_BETTER = frozenset({"log_loss", "brier"})


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def top_k_count(n: int, share: float) -> int:
    """How many rows make the top ``share`` of ``n`` rows: round half up, at least 1 when n > 0."""
    if n <= 0:
        return 0
    return max(1, min(n, _round_half_up(share * n)))


def rank_order(prob: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Indices ordering rows by probability descending, ties by customer_id ascending."""
    return np.lexsort((ids, -np.asarray(prob, dtype=float)))


def top_share_hits(y: np.ndarray, prob: np.ndarray, ids: np.ndarray, share: float) -> tuple[int, int]:
    order = rank_order(prob, ids)
    k = top_k_count(len(y), share)
    return int(np.asarray(y)[order[:k]].sum()), k


def fold_metrics(y: np.ndarray, prob: np.ndarray, ids: np.ndarray, scale_to: float) -> dict[str, float]:
    y = np.asarray(y, dtype=np.int64)
    prob = np.asarray(prob, dtype=float)
    n = len(y)
    base_rate = y.mean()
    hits10, k10 = top_share_hits(y, prob, ids, 0.10)
    hits20, _ = top_share_hits(y, prob, ids, 0.20)
    return {
        "roc_auc": float(roc_auc_score(y, prob)),
        "pr_auc": float(average_precision_score(y, prob)),
        "log_loss": float(log_loss(y, np.clip(prob, 1e-15, 1 - 1e-15), labels=[0, 1])),
        "brier": float(brier_score_loss(y, prob)),
        "top_decile_lift": float((hits10 / k10) / base_rate) if base_rate > 0 else float("nan"),
        "hits_top_20pct": float(hits20 * scale_to / n),
    }
