"""Settings from dbt vars, and the entry points of the segmentation's dbt Python models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.datasets import make_blobs

from custseg import fit_cache
from custseg.segmentation import models
from custseg.segmentation.scoring import assign_from_centroids
from custseg.segmentation.settings import feature_set, fit_options, resolve_settings


def test_dataset_defaults_and_overrides():
    s = resolve_settings("online_retail")
    assert s["features"] == ["recency_days", "frequency", "monetary"]
    assert fit_options(s)["transforms"] == {f: "log1p" for f in s["features"]}
    assert fit_options(s)["k_range"] == range(2, 11)
    s = resolve_settings("sample", '{"k": 4, "k_max": 6}')  # dbt may pass vars as text
    assert s["k"] == 4 and fit_options(s)["k_range"] == range(2, 7) and fit_options(s)["fixed_k"] == 4
    assert resolve_settings("'sample'", "{}")["dataset"] == "sample"
    assert resolve_settings(None, None)["dataset"] == "sample"
    with pytest.raises(ValueError, match="unknown key"):
        resolve_settings("sample", {"kk": 3})


def _features(n=300, seed=0):
    x, _ = make_blobs(n_samples=n, centers=3, n_features=3, cluster_std=0.5, random_state=seed)
    df = pd.DataFrame(x, columns=["a", "b", "c"])
    df.insert(0, "customer_id", [f"C{i:04d}" for i in range(n)])
    df["unused"] = 1.0
    return df


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(fit_cache.ENV_VAR, str(tmp_path / "fit_cache"))
    return tmp_path / "fit_cache"


def test_k_selection_then_centroids_then_the_check(cache):
    overrides = {"features": ["a", "b", "c"], "log1p": [], "k_max": 5, "n_init": 2}
    df = _features()
    k_table = models.segment_k_selection(pa.Table.from_pandas(df), None, "sample", overrides)
    assert k_table["is_chosen"].sum() == 1
    k = int(k_table.loc[k_table["is_chosen"], "k"].iloc[0])
    assert (k_table["selection_sample_size"] == 300).all()
    centroids = models.segment_centroids(df.iloc[::-1], k_table, None, "sample", overrides)  # row order: no matter
    assert centroids["segment_name"].notna().all() and len(centroids) == k * 3
    assert len(list(cache.glob("segments-*.pickle"))) == 1
    check = models.segment_assignments_python(df, df, k_table, centroids, None, "sample", overrides)
    scored = assign_from_centroids(df, centroids)
    assert (check.set_index("customer_id")["segment_id"]
            == scored.set_index("customer_id")["segment_id"].loc[check["customer_id"]]).all()
    stale = centroids.assign(centroid=centroids["centroid"] + 1e-6)
    with pytest.raises(ValueError, match="segment_centroids.*not the model"):
        models.segment_assignments_python(df, df, k_table, stale, None, "sample", overrides)
    fixed = models.segment_k_selection(df, None, "sample", {**overrides, "k": 2})
    assert fixed.loc[fixed["is_chosen"], "k"].tolist() == [2]


def test_the_check_assigns_every_customer_with_the_fit_on_the_bounded_sample(cache):
    """int_customer_fit_sample holds part of the customers: the fits read it, the check assigns them all."""
    overrides = {"features": ["a", "b", "c"], "log1p": ["a"], "k_max": 5, "n_init": 2}
    everyone = _features(n=400, seed=2).assign(a=lambda d: d["a"].abs())
    fit_rows = everyone.iloc[::3]
    k_table = models.segment_k_selection(fit_rows, None, "sample", overrides)
    centroids = models.segment_centroids(fit_rows, k_table, None, "sample", overrides)
    check = models.segment_assignments_python(everyone, fit_rows, k_table, centroids, None, "sample", overrides)
    assert sorted(check["customer_id"]) == sorted(everyone["customer_id"])
    scored = assign_from_centroids(everyone, centroids).set_index("customer_id")["segment_id"]
    assert (check.set_index("customer_id")["segment_id"] == scored.loc[check["customer_id"]].to_numpy()).all()
    on_fit_rows = check.set_index("customer_id")["segment_id"].loc[sorted(fit_rows["customer_id"])]
    fitted = models.segment_assignments_python(fit_rows, fit_rows, k_table, centroids, None, "sample", overrides)
    assert (fitted.set_index("customer_id")["segment_id"] == on_fit_rows).all()


def _members():
    x, y = make_blobs(n_samples=400, centers=2, n_features=2, cluster_std=0.4, random_state=1)
    return pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(400)], "birth_year": x[:, 0],
                         "income": x[:, 1], "is_customer": (y == 0) & (np.arange(400) % 2 == 0)})


def test_population_centroids_entry_point():
    members = _members()
    c = models.population_segment_centroids(members, None, "sample",
                                            {"population_features": ["birth_year", "income"], "n_init": 2})
    assert c["segment_id"].nunique() == 2 and set(c["feature_name"]) == {"birth_year", "income"}
    assigned = assign_from_centroids(members, c, id_column="person_id")
    assert assigned["segment_id"].value_counts().tolist() == [200, 200]
    empty = models.population_segment_centroids(members.iloc[:0], None, "online_retail")
    assert len(empty) == 0 and list(empty.columns) == list(c.columns)


def test_feature_sets_come_from_the_seed_and_vars_still_win():
    seed = pd.DataFrame({"dataset": ["sample", "sample", "sample", "online_retail"],
                         "model": ["segmentation", "segmentation", "population", "segmentation"],
                         "feature_name": ["monetary", "age", "income", "frequency"],
                         "transform": ["log1p", "none", "log1p", "log1p"]})
    fs = feature_set(pa.Table.from_pandas(seed), "sample", "segmentation")
    assert fs == {"features": ["age", "monetary"], "log1p": ["monetary"]}  # sorted by name
    assert feature_set(seed, "sample", "population") == {"population_features": ["income"],
                                                         "population_log1p": ["income"]}
    assert feature_set(seed, "user", "segmentation") == {}
    s = resolve_settings("sample", None, fs)
    assert s["features"] == ["age", "monetary"] and fit_options(s)["transforms"] == {"monetary": "log1p"}
    s = resolve_settings("sample", {"features": ["age"], "log1p": []}, fs)
    assert s["features"] == ["age"] and fit_options(s)["transforms"] == {}
    assert resolve_settings("user", None, {})["features"][0] == "recency_days"  # package default
