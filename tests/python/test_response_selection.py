"""The selection-aware estimate (BBC-CV, custseg.response.selection) and the one-standard-error rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custseg.response.metrics import METRICS, fold_metrics
from custseg.response.selection import bbc_estimates, choose, summarize, weighted_metrics


def _ids(n):
    return np.array([f"c{i:05d}" for i in range(n)], dtype=object)


def _data(n=400, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-2 * x))).astype(int)
    prob = 1 / (1 + np.exp(-(x + rng.normal(scale=0.5, size=n))))
    return y, (prob.round(1) if ties else prob), _ids(n)


@pytest.mark.parametrize("ties", [False, True])
def test_weighted_metrics_with_unit_weights_are_the_plain_metrics(ties):
    y, prob, ids = _data(ties=ties)
    order = np.lexsort((ids, -prob))
    got = weighted_metrics(np.ones((1, len(y))), y, prob, order, 4000.0)
    want = fold_metrics(y, prob, ids, 4000.0)
    for m in METRICS:
        assert got[m][0] == pytest.approx(want[m], rel=1e-12, abs=1e-12), m


@pytest.mark.parametrize("ties", [False, True])
def test_integer_weights_are_the_metrics_of_the_resample(ties):
    y, prob, ids = _data(n=300, seed=1, ties=ties)
    rng = np.random.default_rng(5)
    counts = np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y))
    rows = np.repeat(np.arange(len(y)), counts)
    # copies keep their customer's order: ties among copies broken by a suffix
    copy_ids = np.array([f"{ids[r]}_{k:03d}" for r, k in zip(rows, _copy_index(counts))], dtype=object)
    order = np.lexsort((ids, -prob))
    got = weighted_metrics(counts[None, :].astype(float), y, prob, order, None)
    want = fold_metrics(y[rows], prob[rows], copy_ids, float(len(rows)))
    for m in METRICS:
        assert got[m][0] == pytest.approx(want[m], rel=1e-9, abs=1e-12), m


def _copy_index(counts):
    return np.concatenate([np.arange(c) for c in counts if c > 0])


def test_one_standard_error_rule_prefers_the_earlier_candidate_within_the_noise():
    means = np.array([[0.80, 0.81, 0.83, 0.829]])
    se = np.array([0.01, 0.01, 0.025, 0.02])
    assert choose(means, se, "best", False).tolist() == [2]
    assert choose(means, se, "one_se", False).tolist() == [1]  # 0.81 >= 0.83 - 0.025; 0.80 is not
    assert choose(means, np.zeros(4), "one_se", False).tolist() == [2]  # no noise: the best
    # lower is better (log loss): the best is the smallest
    assert choose(np.array([[0.30, 0.29, 0.25]]), np.array([0.01, 0.01, 0.045]), "one_se", True).tolist() == [1]
    with pytest.raises(ValueError, match="selection_rule"):
        choose(means, se, "cheapest", False)


def test_bbc_corrects_the_winners_curse_on_pure_noise():
    """Twenty candidates that know nothing: the best of their CV AUCs is well above 0.5, the
    selection-aware estimate is not, and its interval covers the truth (0.5)."""
    rng = np.random.default_rng(11)
    n, n_cand = 300, 20
    y = (rng.random(n) < 0.3).astype(int)
    prob = rng.random((1, n_cand, n))
    ids = _ids(n)
    aucs = [fold_metrics(y, prob[0, c], ids, n)["roc_auc"] for c in range(n_cand)]
    naive = max(aucs)
    values = bbc_estimates(y, ids, prob, np.zeros(n_cand), "roc_auc", "best", None, 300, 0)
    est = summarize(values)["roc_auc"]
    assert naive > 0.55
    assert est["selection_aware_mean"] < naive - 0.03
    assert est["selection_aware_lower"] <= 0.5 <= est["selection_aware_upper"]
    assert est["selection_bootstraps"] == 300


def test_bbc_is_deterministic_and_keeps_a_real_signal():
    y, prob, ids = _data(n=500, seed=3)
    noise = np.random.default_rng(4).random(len(y))
    stack = np.stack([np.stack([prob, noise])] * 2)  # 2 repeats x 2 candidates
    se = np.array([0.01, 0.01])
    a = summarize(bbc_estimates(y, ids, stack, se, "roc_auc", "one_se", None, 100, 0))
    b = summarize(bbc_estimates(y, ids, stack, se, "roc_auc", "one_se", None, 100, 0))
    assert a == b
    plain = fold_metrics(y, prob, ids, len(y))["roc_auc"]
    assert a["roc_auc"]["selection_aware_lower"] <= plain <= a["roc_auc"]["selection_aware_upper"]
    assert a["roc_auc"]["selection_aware_mean"] == pytest.approx(plain, abs=0.02)


def test_blend_refit_is_the_mean_of_its_stored_components(tmp_path, monkeypatch):
    from custseg import fit_cache
    from custseg.response import models
    from custseg.response.candidates import BLEND, Candidate

    monkeypatch.setenv(fit_cache.ENV_VAR, str(tmp_path))
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame({"customer_id": [f"c{i:04d}" for i in range(n)], "a": rng.normal(size=n),
                       "b": rng.normal(size=n)})
    df["label"] = pd.array((rng.random(n) < 1 / (1 + np.exp(-2 * df["a"]))).astype(int), dtype="Int64")
    df["is_labeled"] = True
    inp = models.inputs(df, None, "sample", {"features": ["a", "b"]})
    logit = Candidate("logit", {"C": 0.1, "class_weight": "balanced"})
    hgb = Candidate("hgb", {"learning_rate": 0.05, "max_iter": 20, "max_leaf_nodes": 4, "min_samples_leaf": 20,
                            "class_weight": "balanced"})
    blend = Candidate(BLEND, {"hgb": hgb.params, "logit": logit.params})
    assert blend.components() == [logit, hgb]
    X = inp.data.X_labeled
    want = (models.refit(inp, logit).predict_proba(X)[:, 1] + models.refit(inp, hgb).predict_proba(X)[:, 1]) / 2
    assert np.max(np.abs(models.refit(inp, blend).predict_proba(X)[:, 1] - want)) < 1e-15
    fresh = blend.build(0).fit(X, inp.data.y_labeled).predict_proba(X)[:, 1]
    assert np.max(np.abs(fresh - want)) < 1e-12
