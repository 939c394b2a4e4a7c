"""The response model end to end on small synthetic data: CV sanity, determinism, tables, SQL reference."""

import json

import numpy as np
import pandas as pd
import pytest

from custseg.response import (
    Candidate,
    fit_response_model,
    predict_proba_from_coefficients,
)
from custseg.response.metrics import METRICS

SMALL = [
    Candidate("logit", {"C": 0.1, "class_weight": "balanced"}),
    Candidate("logit", {"C": 1.0, "class_weight": "balanced"}),
    Candidate("hgb", {"learning_rate": 0.1, "max_iter": 30, "max_leaf_nodes": 4, "min_samples_leaf": 20,
                      "class_weight": "balanced"}),
]


def toy(n=600, p=6, signal=2.0, base=-1.5, nonlinear=False, unlabeled=100, seed=0, nan_share=0.03):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    z = signal * (X[:, 0] ** 2 - 1.0) * 1.5 if nonlinear else signal * (X[:, 0] + 0.5 * X[:, 1])
    y = (rng.random(n) < 1 / (1 + np.exp(-(z + base)))).astype(float)
    X[rng.random(size=X.shape) < nan_share] = np.nan
    df = pd.DataFrame(X * 10 + 50, columns=[f"x{j}" for j in range(p)])
    df.insert(0, "customer_id", [f"cust_{i:05d}" for i in range(n)])
    y[:unlabeled] = np.nan
    df["label"] = pd.array(np.where(np.isnan(y), 0, y).astype(int), dtype="Int64")
    df.loc[np.isnan(y), "label"] = pd.NA
    return df


@pytest.fixture(scope="module")
def separable():
    df = toy(signal=4.0)
    return df, fit_response_model(df, candidates=SMALL)


def _chosen(res, metric):
    m = res.metrics
    return float(m[(m["is_chosen"]) & (m["metric"] == metric)]["cv_mean"].iloc[0])


def test_metrics_table_shape_and_sanity(separable):
    _, res = separable
    m = res.metrics
    assert list(m.columns) == ["candidate", "params", "metric", "cv_mean", "cv_std", "n_folds", "is_chosen",
                               "selection_metric"]
    assert len(m) == len(SMALL) * len(METRICS)
    assert set(m["metric"]) == set(METRICS)
    assert (m["n_folds"] == 5).all()
    assert m.groupby(["candidate", "params"])["is_chosen"].nunique().eq(1).all()
    chosen = m[m["is_chosen"]][["candidate", "params"]].drop_duplicates()
    assert len(chosen) == 1
    assert json.loads(chosen["params"].iloc[0]) == res.chosen.params
    # the chosen one has the best CV ROC-AUC
    auc = m[m["metric"] == "roc_auc"]
    assert _chosen(res, "roc_auc") == auc["cv_mean"].max()
    assert _chosen(res, "roc_auc") > 0.9
    assert _chosen(res, "top_decile_lift") > 1.5
    n_labeled, n_pos = 500, int(res.data.y_labeled.sum())
    hits = _chosen(res, "hits_top_20pct")
    assert n_pos * 0.2 < hits <= min(n_pos, 0.2 * n_labeled) + 1e-9
    assert (m["cv_std"] >= 0).all()


def test_scores_cover_everyone_with_deciles(separable):
    df, res = separable
    s = res.scores
    assert len(s) == len(df) and s["customer_id"].is_unique
    assert list(s["customer_id"]) == sorted(df["customer_id"])
    assert s["response_probability"].between(0, 1).all()
    counts = s["response_decile"].value_counts()
    assert sorted(counts.index) == list(range(1, 11)) and counts.max() - counts.min() <= 1
    assert s["is_labeled"].sum() == 500
    assert s.loc[~s["is_labeled"], "label"].isna().all()
    assert set(s.loc[s["is_labeled"], "label"].astype(int)) == {0, 1}
    # decile 1 holds the highest probabilities
    by_decile = s.groupby("response_decile")["response_probability"]
    assert (by_decile.min().iloc[:-1].to_numpy() >= by_decile.max().iloc[1:].to_numpy()).all()


def test_gains_from_out_of_fold_predictions(separable):
    _, res = separable
    g = res.gains
    assert g["customers"].sum() == 500
    assert g["responders"].sum() == res.data.y_labeled.sum()
    assert g["cumulative_gain"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(g["cumulative_gain"]) >= 0).all()
    assert g["lift"].iloc[0] > 1.5


def test_targets_from_the_unlabeled(separable):
    _, res = separable
    t = res.targets(20, population="unlabeled")
    assert len(t) == 20 and list(t["rank"]) == list(range(1, 21))
    assert set(t["customer_id"]) <= set(res.scores.loc[~res.scores["is_labeled"], "customer_id"])
    assert len(res.targets(0.2)) == 120


def test_coefficient_table_reproduces_sklearn_to_1e9(separable):
    df, res = separable
    c = res.coefficients
    assert list(c.columns[:6]) == ["feature_name", "feature_position", "impute_value", "scaler_mean",
                                   "scaler_scale", "coefficient"]
    assert c["feature_name"].iloc[0] == "(intercept)" and c["feature_position"].iloc[0] == 0
    assert list(c["feature_name"].iloc[1:]) == [f"x{j}" for j in range(6)]
    assert df.isna().any().any()  # the test covers imputation
    ordered = df.sort_values("customer_id").reset_index(drop=True)
    p_table = predict_proba_from_coefficients(c, ordered)
    p_sklearn = res.logit_model.predict_proba(ordered[[f"x{j}" for j in range(6)]].to_numpy(float))[:, 1]
    assert np.max(np.abs(p_table - p_sklearn)) < 1e-9
    assert np.max(np.abs(p_table - res.scores["logit_probability"].to_numpy())) < 1e-9


def test_importance_ranks_the_signal_first(separable):
    _, res = separable
    imp = res.importance
    assert sorted(imp["importance_rank"]) == list(range(1, 7))
    assert imp.loc[imp["importance_rank"] == 1, "feature_name"].iloc[0] == "x0"


def test_two_runs_are_identical_and_row_order_does_not_matter(separable):
    df, res = separable
    shuffled = df.sample(frac=1.0, random_state=7).reset_index(drop=True)
    again = fit_response_model(shuffled, candidates=SMALL)
    for name in ("metrics", "scores", "gains", "importance", "coefficients"):
        pd.testing.assert_frame_equal(getattr(res, name), getattr(again, name), check_exact=True, obj=name)
    pd.testing.assert_frame_equal(res.targets(50, "unlabeled"), again.targets(50, "unlabeled"), check_exact=True)


def test_noise_gives_auc_near_one_half():
    df = toy(signal=0.0, base=-1.0, seed=3)
    res = fit_response_model(df, candidates=SMALL[:1] + SMALL[2:])
    m = res.metrics
    for auc in m[m["metric"] == "roc_auc"]["cv_mean"]:
        assert 0.4 < auc < 0.6
    lift = _chosen(res, "top_decile_lift")
    assert 0.4 < lift < 1.8


def test_imbalance_is_handled():
    df = toy(n=1500, base=-5.0, seed=5, unlabeled=0)  # about 6 % positives
    y = df["label"].astype(float).to_numpy()
    assert 0.03 < np.nanmean(y) < 0.12
    res = fit_response_model(df, candidates=SMALL[:1])
    assert _chosen(res, "roc_auc") > 0.85
    # balanced class weights: the positives are not drowned out, many get probability above 0.5
    s = res.scores
    pos = s.loc[s["label"] == 1, "response_probability"]
    assert (pos > 0.5).mean() > 0.5
    unweighted = fit_response_model(df, candidates=[Candidate("logit", {"C": 0.1, "class_weight": None})])
    pos_unweighted = unweighted.scores.loc[unweighted.scores["label"] == 1, "response_probability"]
    assert pos.mean() > pos_unweighted.mean()
    # stratified folds: every fold has positives, so the metrics are defined
    assert res.metrics["cv_mean"].notna().all()


def test_gradient_boosting_wins_a_nonlinear_problem_and_coefficients_still_exist():
    df = toy(n=800, nonlinear=True, base=-1.0, seed=11, unlabeled=50)
    res = fit_response_model(df, candidates=SMALL)
    assert res.chosen.name == "hgb"
    assert _chosen(res, "roc_auc") > 0.8
    assert (res.scores["model"] == "hgb").all()
    c = res.coefficients
    assert len(c) == 7 and json.loads(c["params"].iloc[0])["C"] in (0.1, 1.0)
    ordered = df.sort_values("customer_id").reset_index(drop=True)
    p_table = predict_proba_from_coefficients(c, ordered)
    assert np.max(np.abs(p_table - res.scores["logit_probability"].to_numpy())) < 1e-9
    assert np.max(np.abs(res.scores["logit_probability"] - res.scores["response_probability"])) > 0.01


def test_only_gradient_boosting_searched_still_fits_a_logistic_for_the_table():
    df = toy(n=300, seed=2, unlabeled=0)
    res = fit_response_model(df, candidates=SMALL[2:])
    assert res.chosen.name == "hgb" and res.logit_candidate.name == "logit"
    assert len(res.coefficients) == 7


def test_selection_metric_is_configurable():
    df = toy(n=400, seed=4)
    res = fit_response_model(df, candidates=SMALL, selection_metric="log_loss")
    ll = res.metrics[res.metrics["metric"] == "log_loss"]
    assert ll.loc[ll["is_chosen"], "cv_mean"].iloc[0] == ll["cv_mean"].min()
    assert (res.metrics["selection_metric"] == "log_loss").all()
    with pytest.raises(ValueError, match="selection_metric"):
        fit_response_model(df, candidates=SMALL, selection_metric="accuracy")
