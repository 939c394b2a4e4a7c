"""Settings from dbt vars, and the cached entry points of the dbt Python models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.datasets import make_blobs

from custseg import fit_cache
from custseg.segmentation import dbt_models
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


def test_models_share_one_cached_fit():
    fit_cache._MEMORY.clear()
    overrides = {"features": ["a", "b", "c"], "log1p": [], "k_max": 5, "n_init": 2}
    df = _features()
    r1 = dbt_models.customer_segmentation(pa.Table.from_pandas(df), "sample", overrides)
    r2 = dbt_models.customer_segmentation(df.iloc[::-1], "sample", overrides)  # same rows, other order
    assert r1 is r2 and len(fit_cache._MEMORY) == 1
    assert r1.k_selection.loc[r1.k_selection["is_chosen"], "k"].tolist() == [r1.k]
    assert list(r1.assignments.columns)[0] == "customer_id"
    r3 = dbt_models.customer_segmentation(df, "sample", {**overrides, "k": 2})
    assert r3 is not r1 and r3.k == 2


def test_population_comparison_entry_point():
    fit_cache._MEMORY.clear()
    x, y = make_blobs(n_samples=400, centers=2, n_features=2, cluster_std=0.4, random_state=1)
    members = pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(400)], "birth_year": x[:, 0],
                            "income": x[:, 1], "is_customer": (y == 0) & (np.arange(400) % 2 == 0)})
    t = dbt_models.population_comparison(members, "sample",
                                         {"population_features": ["birth_year", "income"], "n_init": 2})
    assert t["population_count"].sum() == 400
    assert t["customer_count"].sum() == members["is_customer"].sum()
    assert sorted(t["representation"].tolist()) == ["over", "under"]
    empty = dbt_models.population_comparison(members.iloc[:0], "online_retail")
    assert len(empty) == 0 and "representation_ratio" in empty.columns


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


def test_population_age_is_derived_from_birth_year():
    fit_cache._MEMORY.clear()
    rng = np.random.default_rng(0)
    members = pd.DataFrame({"person_id": [f"P{i:03d}" for i in range(200)],
                            "birth_year": np.r_[rng.integers(1950, 1960, 100), rng.integers(1995, 2005, 100)],
                            "is_customer": np.arange(200) < 60})
    t = dbt_models.population_comparison(members, "sample", {"population_features": ["age"], "population_log1p": [],
                                                             "n_init": 2, "population_k": 2}, as_of_year=2026)
    # equal sizes: ids follow the centroid, so the young (below-average age) segment is 1
    assert t["segment_name"].tolist() == ["Young customers", "Seniors"]
    assert t["population_count"].tolist() == [100, 100]
    assert t["customer_count"].tolist() == [0, 60]
