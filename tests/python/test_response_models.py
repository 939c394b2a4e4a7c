"""The response model's dbt entry points (custseg.response.models): one table each, settings, the fit cache."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from custseg import fit_cache
from custseg.response import predict_proba_from_coefficients
from custseg.response import models
from custseg.response.settings import SQL_KEYS, feature_set, resolve_settings

FAST = {"n_folds": 3, "n_repeats": 2}


def training_set(n=300, seed=0, unlabeled=60):
    rng = np.random.default_rng(seed)
    spend = rng.lognormal(5, 1.5, size=n)
    age = rng.integers(20, 80, size=n).astype(float)
    z = 1.5 * (np.log1p(spend) - 5) - 0.02 * (age - 50)
    label = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    label[:unlabeled] = np.nan
    spend[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({
        "customer_id": [f"eval_{i}" if i < unlabeled else f"train_{i}" for i in range(n)],
        "label": pd.array([None if np.isnan(v) else int(v) for v in label], dtype="Int64"),
        "is_labeled": ~np.isnan(label), "monetary": spend, "age": age,
    })


def seed_rows(dataset="sample"):
    return pd.DataFrame({"dataset": dataset, "model": ["response", "response", "segmentation"],
                         "feature_name": ["monetary", "age", "income"], "transform": ["log1p", "none", "none"]})


def metrics_for(cv: pd.DataFrame) -> pd.DataFrame:
    """What response_model_metrics (SQL) marks, computed here by mean fold ROC-AUC."""
    from sklearn.metrics import roc_auc_score

    auc = cv.groupby(["candidate_position", "candidate", "params", "cv_repeat", "fold"]).apply(
        lambda g: roc_auc_score(g["label"], g["probability"]), include_groups=False).groupby(level=[0, 1, 2]).mean()
    table = auc.rename("cv_mean").reset_index()
    table["is_chosen"] = table.index == table["cv_mean"].idxmax()
    table["is_best_in_family"] = table.groupby("candidate")["cv_mean"].transform("max") == table["cv_mean"]
    table["is_stored"] = table["is_best_in_family"]
    return table


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(fit_cache.ENV_VAR, str(tmp_path / "fit_cache"))
    return tmp_path / "fit_cache"


def test_settings_precedence_and_sql_keys():
    seed = feature_set(seed_rows(), "sample")
    assert seed == {"features": ["age", "monetary"], "log1p": ["monetary"]}
    s = resolve_settings("coil2000", '{"n_folds": 3, "targets_top": 800}', seed)
    assert s["n_folds"] == 3 and s["features"] == ["age", "monetary"] and "targets_top" not in s
    assert SQL_KEYS == {"selection_metric", "selection_rule", "hits_scale_to", "targets_top", "targets_population"}
    with pytest.raises(ValueError, match="unknown key"):
        resolve_settings("sample", {"k": 3})


def test_cv_predictions_one_row_per_candidate_repeat_and_labeled_customer_whatever_the_row_order():
    df = training_set()
    cv = models.response_cv_predictions(df, seed_rows(), "sample", FAST)
    labeled = int(df["is_labeled"].sum())
    n_candidates = cv["candidate_position"].nunique()
    assert len(cv) == n_candidates * labeled * 2 and n_candidates == 6
    assert set(cv["fold"]) == {1, 2, 3} and set(cv["cv_repeat"]) == {1, 2} and cv["probability"].between(0, 1).all()
    assert not cv.duplicated(["candidate_position", "cv_repeat", "customer_id"]).any()
    # each repeat is its own shuffle: the folds differ, and repeat 1 is the single-repeat CV itself
    one = cv[cv["candidate_position"] == 1].pivot(index="customer_id", columns="cv_repeat", values="fold")
    assert (one[1] != one[2]).any()
    single = models.response_cv_predictions(df, seed_rows(), "sample", {**FAST, "n_repeats": 1})
    pd.testing.assert_frame_equal(single, cv[cv["cv_repeat"] == 1].reset_index(drop=True))
    again = models.response_cv_predictions(df.sample(frac=1.0, random_state=3), seed_rows(), "sample", FAST)
    pd.testing.assert_frame_equal(cv, again)


def test_cv_sample_is_bounded_and_stratified():
    df = training_set(n=2000, unlabeled=0)
    cv = models.response_cv_predictions(df, seed_rows(), "sample", {**FAST, "cv_sample_size": 500})
    one = cv[(cv["candidate_position"] == 1) & (cv["cv_repeat"] == 1)]
    assert len(one) == 500
    assert abs(one["label"].mean() - df["label"].astype(float).mean()) < 0.01


def test_refits_as_tables_are_scored_like_python(cache):
    df = training_set()
    metrics = metrics_for(models.response_cv_predictions(df, seed_rows(), "sample", FAST))
    coefficients = models.response_logit_coefficients(df, metrics, seed_rows(), "sample", FAST)
    nodes = models.response_tree_nodes(df, metrics, seed_rows(), "sample", FAST)
    python = models.response_scores_python(df, df, metrics, coefficients, nodes, seed_rows(), "sample", FAST)
    assert dict(zip(coefficients["feature_name"][1:], coefficients["transform"][1:])) == {
        "age": "none", "monetary": "log1p"}
    raw = df.sort_values("customer_id").reset_index(drop=True)
    assert np.max(np.abs(predict_proba_from_coefficients(coefficients, raw)
                         - python["logit_probability"].to_numpy())) < 1e-9
    from custseg.response.trees import predict_proba_from_tree_nodes

    assert np.max(np.abs(predict_proba_from_tree_nodes(nodes, raw) - python["tree_probability"].to_numpy())) < 1e-9
    assert json.loads(nodes["params"].iloc[0]) == json.loads(metrics.loc[
        (metrics["candidate"] == "hgb") & metrics["is_stored"], "params"].iloc[0])
    stale = coefficients.assign(coefficient=coefficients["coefficient"] * 1.01)
    with pytest.raises(ValueError, match="response_logit_coefficients.*not the model"):
        models.response_scores_python(df, df, metrics, stale, nodes, seed_rows(), "sample", FAST)


def test_the_check_scores_every_customer_with_the_refits_on_the_bounded_sample(cache):
    """int_response_fit_sample holds labeled customers only (and at most response_fit_rows): the refits read it,
    the check scores every customer of the training set, unlabeled ones too."""
    df = training_set()
    labeled = df[df["label"].notna()]
    fit_rows = labeled.iloc[: len(labeled) * 2 // 3]
    metrics = metrics_for(models.response_cv_predictions(fit_rows, seed_rows(), "sample", FAST))
    coefficients = models.response_logit_coefficients(fit_rows, metrics, seed_rows(), "sample", FAST)
    nodes = models.response_tree_nodes(fit_rows, metrics, seed_rows(), "sample", FAST)
    python = models.response_scores_python(df, fit_rows, metrics, coefficients, nodes, seed_rows(), "sample", FAST)
    assert sorted(python["customer_id"]) == sorted(df["customer_id"]) and len(df) > len(labeled)
    raw = df.sort_values("customer_id").reset_index(drop=True)
    assert np.max(np.abs(predict_proba_from_coefficients(coefficients, raw)
                         - python["logit_probability"].to_numpy())) < 1e-9
    with pytest.raises(ValueError, match="response_logit_coefficients.*not the model"):
        models.response_scores_python(df, labeled, metrics, coefficients, nodes, seed_rows(), "sample", FAST)


def test_a_chosen_blend_stores_its_components_and_is_explained(cache):
    df = training_set()
    metrics = metrics_for(models.response_cv_predictions(df, seed_rows(), "sample", FAST))
    stored = {c: json.loads(metrics.loc[(metrics["candidate"] == c) & metrics["is_stored"], "params"].iloc[0])
              for c in ("logit", "hgb")}
    blend = pd.DataFrame({"candidate_position": [99], "candidate": ["blend"], "cv_mean": [1.0],
                          "params": [json.dumps(stored, sort_keys=True)], "is_chosen": [True],
                          "is_best_in_family": [True], "is_stored": [False]})
    metrics = pd.concat([metrics.assign(is_chosen=False), blend], ignore_index=True)
    coefficients = models.response_logit_coefficients(df, metrics, seed_rows(), "sample", FAST)
    nodes = models.response_tree_nodes(df, metrics, seed_rows(), "sample", FAST)
    importance = models.response_feature_importance(df, metrics, coefficients, nodes, seed_rows(), "sample", FAST)
    assert importance["model"].unique().tolist() == ["blend"]
    assert importance.sort_values("importance_rank")["feature_name"].iloc[0] == "monetary"  # the signal
    python = models.response_scores_python(df, df, metrics, coefficients, nodes, seed_rows(), "sample", FAST)
    assert python[["logit_probability", "tree_probability"]].notna().all().all()


def test_a_corrupt_cache_file_is_refitted_with_a_warning(cache):
    df = training_set()
    first = models.response_cv_predictions(df, seed_rows(), "sample", FAST)
    files = list(cache.glob("response_cv-*.pickle"))
    assert len(files) == 1
    files[0].write_bytes(files[0].read_bytes()[:100])  # truncated
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = models.response_cv_predictions(df, seed_rows(), "sample", FAST)
    assert any(str(files[0]) in str(w.message) for w in caught)
    pd.testing.assert_frame_equal(first, again)


def test_a_data_set_without_labels_gets_empty_tables():
    df = training_set()
    df["label"] = pd.array([None] * len(df), dtype="Int64")
    cv = models.response_cv_predictions(df, None, "online_retail", FAST)
    assert len(cv) == 0 and list(cv.columns) == list(models.CV_COLUMNS)
    metrics = pd.DataFrame({"candidate": [], "params": [], "is_chosen": [], "is_stored": []})
    assert len(models.response_logit_coefficients(df, metrics, None, "online_retail", FAST)) == 0
    assert len(models.response_tree_nodes(df, metrics, None, "online_retail", FAST)) == 0


def test_missing_feature_column_is_named():
    df = training_set().drop(columns="age")
    with pytest.raises(ValueError, match="age"):
        models.response_cv_predictions(df, seed_rows(), "sample", FAST)
