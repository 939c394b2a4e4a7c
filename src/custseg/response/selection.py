"""A selection-aware estimate of the chosen candidate: bootstrap bias-corrected cross-validation (BBC-CV).

Choosing the best of N noisy cross-validated means is itself a fit: the maximum is biased upward (the
winner's curse), and the chosen candidate's plain CV mean overstates what a new mailing will achieve.
BBC-CV (Tsamardinos, Greasidou & Borboudakis 2018, "Bootstrapping the out-of-sample predictions for
efficient and accurate cross-validation", Machine Learning 107) corrects it without refitting anything: it
works on the out-of-fold predictions every candidate already has (``int_response_cv_candidates``):

1. draw ``bootstraps`` resamples of the cross-validated customers (with replacement, seed ``random_state``);
2. on each resample (in-bag), compute every candidate's selection metric on its pooled out-of-fold
   predictions (the mean over the CV repeats) and apply the **same selection rule** as
   ``response_model_metrics`` (:func:`choose`);
3. evaluate the candidate chosen there on the customers the resample left out (out-of-bag), every metric;
4. the estimate is the mean over the resamples, the interval the 2.5 and 97.5 percentiles.

So the estimate includes the selection (the candidate chosen changes with the data) and never scores a
customer with a choice made on them. The out-of-bag sets hold about 37 % of the customers, so the interval
is wider than a test set of all of them would give: conservative, as the paper reports.

The rule (written once for SQL in ``int_response_candidate_summary``; :func:`choose` is its mirror on the
bootstrap, checked against the SQL's choice in the tests): ``best`` takes the best mean; ``one_se`` takes
the first candidate, in search order (simplest first), whose mean is within one standard error of the best
mean, the best one's ``cv_se`` (fixed, from the full CV).
"""

from __future__ import annotations

import numpy as np

from custseg.response.metrics import LOWER_IS_BETTER, METRICS

ESTIMATE_COLUMNS = {"metric": "object", "selection_aware_mean": "float64", "selection_aware_lower": "float64",
                    "selection_aware_upper": "float64", "selection_aware_std": "float64",
                    "selection_bootstraps": "int64"}
INTERVAL = (2.5, 97.5)
_CHUNK = 50  # bootstraps evaluated at once (memory: chunk x customers doubles)


def choose(means: np.ndarray, se: np.ndarray, rule: str, lower_is_better: bool) -> np.ndarray:
    """Index of the chosen candidate per row of ``means`` (bootstraps x candidates, candidates in search
    order); ``se`` per candidate. Ties go to the earlier candidate."""
    sign = -1.0 if lower_is_better else 1.0
    score = sign * np.atleast_2d(means)
    best = np.argmax(score, axis=1)
    if rule == "best":
        return best
    if rule != "one_se":
        raise ValueError(f"unknown selection_rule {rule!r}; expected 'best' or 'one_se'")
    threshold = score[np.arange(len(score)), best] - np.asarray(se, dtype=float)[best]
    eligible = score >= threshold[:, None] - 1e-12
    return np.argmax(eligible, axis=1)  # the first eligible candidate


def weighted_metrics(weights: np.ndarray, y: np.ndarray, prob: np.ndarray, order_desc: np.ndarray,
                     scale_to: float | None, names=METRICS) -> dict[str, np.ndarray]:
    """Every metric of :mod:`.metrics` for each row of ``weights`` (resamples x customers: how often each
    customer is in the resample), as the pooled metric of a data set holding each customer that many times.
    ``order_desc`` orders customers by probability descending, ties by customer_id (as the SQL does).
    ``scale_to`` None: hits are scaled to the resample's size."""
    w = np.asarray(weights, dtype=float)[:, order_desc]
    ys = np.asarray(y, dtype=float)[order_desc]
    ps = np.asarray(prob, dtype=float)[order_desc]
    total = w.sum(axis=1)
    pos_w, neg_w = w * ys, w * (1.0 - ys)
    n_pos, n_neg = pos_w.sum(axis=1), neg_w.sum(axis=1)
    out: dict[str, np.ndarray] = {}
    # groups of tied probabilities (descending order keeps ties together)
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])
    gpos = np.add.reduceat(pos_w, starts, axis=1)
    gneg = np.add.reduceat(neg_w, starts, axis=1)
    if "roc_auc" in names:
        neg_below = n_neg[:, None] - np.cumsum(gneg, axis=1)  # negatives with a lower probability
        with np.errstate(invalid="ignore", divide="ignore"):
            out["roc_auc"] = (gpos * (neg_below + 0.5 * gneg)).sum(axis=1) / (n_pos * n_neg)
    if "pr_auc" in names:
        tp, pp = np.cumsum(gpos, axis=1), np.cumsum(gpos + gneg, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["pr_auc"] = (gpos * np.where(pp > 0, tp / np.where(pp > 0, pp, 1), 0)).sum(axis=1) / n_pos
    pc = np.clip(ps, 1e-15, 1 - 1e-15)
    if "log_loss" in names:
        out["log_loss"] = (w @ -(ys * np.log(pc) + (1 - ys) * np.log(1 - pc))) / total
    if "brier" in names:
        out["brier"] = (w @ (ps - ys) ** 2) / total
    before = np.cumsum(w, axis=1) - w  # weight ranked above each customer
    for name, share in (("top_decile_lift", 0.1), ("hits_top_20pct", 0.2)):
        if name not in names:
            continue
        top = np.maximum(1.0, np.floor(share * total + 0.5))
        taken = np.clip(top[:, None] - before, 0.0, w)  # copies of each customer inside the top share
        hits = (taken * ys).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = ((hits / top) / (n_pos / total) if name == "top_decile_lift"
                         else hits * (scale_to if scale_to is not None else total) / total)
    return out


def bbc_estimates(y: np.ndarray, ids: np.ndarray, prob: np.ndarray, se: np.ndarray, selection_metric: str,
                  rule: str, scale_to: float | None, bootstraps: int, random_state: int) -> dict[str, np.ndarray]:
    """Per metric, the out-of-bag value of the candidate chosen in-bag, one per resample.

    ``prob``: repeats x candidates x customers (out-of-fold probabilities, customers aligned with ``y`` and
    ``ids``); ``se``: the selection metric's ``cv_se`` per candidate."""
    prob = np.asarray(prob, dtype=float)
    n_repeats, n_cand, n = prob.shape
    orders = [[np.lexsort((ids, -prob[r, c])) for c in range(n_cand)] for r in range(n_repeats)]
    rng = np.random.default_rng(random_state)
    lower = selection_metric in LOWER_IS_BETTER
    out: dict[str, list[np.ndarray]] = {m: [] for m in METRICS}
    done = 0
    while done < bootstraps:
        b = min(_CHUNK, bootstraps - done)
        counts = np.stack([np.bincount(rng.integers(0, n, size=n), minlength=n) for _ in range(b)]).astype(float)
        oob = (counts == 0).astype(float)
        inbag = np.zeros((b, n_cand))
        for c in range(n_cand):
            inbag[:, c] = np.mean([weighted_metrics(counts, y, prob[r, c], orders[r][c], scale_to,
                                                    (selection_metric,))[selection_metric]
                                   for r in range(n_repeats)], axis=0)
        chosen = choose(inbag, se, rule, lower)
        values = {m: np.full(b, np.nan) for m in METRICS}
        for c in np.unique(chosen):
            rows = np.flatnonzero(chosen == c)
            per_repeat = [weighted_metrics(oob[rows], y, prob[r, c], orders[r][c], scale_to) for r in range(n_repeats)]
            for m in METRICS:
                values[m][rows] = np.mean([v[m] for v in per_repeat], axis=0)
        for m in METRICS:
            out[m].append(values[m])
        done += b
    return {m: np.concatenate(v) for m, v in out.items()}


def summarize(values: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean, interval (INTERVAL percentiles) and spread of each metric's bootstrap values (NaN ignored)."""
    res = {}
    for m, v in values.items():
        v = v[np.isfinite(v)]
        lo, hi = np.percentile(v, INTERVAL) if len(v) else (np.nan, np.nan)
        res[m] = {"selection_aware_mean": float(np.mean(v)) if len(v) else np.nan,
                  "selection_aware_lower": float(lo), "selection_aware_upper": float(hi),
                  "selection_aware_std": float(np.std(v, ddof=1)) if len(v) > 1 else np.nan,
                  "selection_bootstraps": int(len(v))}
    return res
