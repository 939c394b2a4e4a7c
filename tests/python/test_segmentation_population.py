"""Customers versus the general population."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from custseg.segmentation import compare_with_population, comparison_table
from custseg.segmentation.population import representation


def test_comparison_arithmetic_on_a_hand_made_example():
    population = np.array([1] * 50 + [2] * 30 + [3] * 20)  # shares .5 .3 .2
    customers = np.array([1] * 2 + [2] * 3 + [3] * 5)  # shares .2 .3 .5
    t = comparison_table(population, customers, {1: "A", 2: "B", 3: "C"})
    assert list(t.columns) == ["segment_id", "segment_name", "population_count", "population_share",
                               "customer_count", "customer_share", "representation_ratio", "representation"]
    assert t["population_count"].tolist() == [50, 30, 20]
    assert t["customer_count"].tolist() == [2, 3, 5]
    assert t["population_share"].sum() == pytest.approx(1.0)
    assert t["customer_share"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(t["representation_ratio"], [0.4, 1.0, 2.5])
    assert t["representation"].tolist() == ["under", "neutral", "over"]


def test_representation_thresholds():
    assert representation(1.2) == "neutral" and representation(1.2001) == "over"
    assert representation(0.8) == "neutral" and representation(0.7999) == "under"
    assert representation(float("nan")) is None


def test_segment_without_population_rows_has_no_ratio():
    t = comparison_table(np.array([1, 1]), np.array([1, 2]), {1: "A", 2: "B"})
    assert t["representation_ratio"].isna().tolist() == [False, True]
    assert t["representation"].isna().tolist() == [False, True]


def test_fit_on_population_and_assign_customers():
    x, y = make_blobs(n_samples=900, centers=3, n_features=3, cluster_std=0.5, random_state=2)
    pop = pd.DataFrame(x, columns=["age", "income", "household_size"])
    pop.insert(0, "person_id", [f"P{i:05d}" for i in range(len(pop))])
    # customers: mostly people of blob 0, a few of blob 1, none of blob 2
    pick = np.r_[np.flatnonzero(y == 0)[:150], np.flatnonzero(y == 1)[:30]]
    cust = pop.iloc[pick].rename(columns={"person_id": "customer_id"})
    cust["customer_id"] = [f"C{i:05d}" for i in range(len(cust))]
    t, result, assigned = compare_with_population(pop, cust, ["age", "income", "household_size"],
                                                  k_range=range(2, 6), n_init=3)
    assert result.k == 3
    assert t["population_count"].sum() == 900 and t["customer_count"].sum() == 180
    assert t["population_share"].sum() == pytest.approx(1.0)
    assert t["customer_share"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(t["representation_ratio"], t["customer_share"] / t["population_share"])
    assert sorted(t["representation"].tolist()) == ["over", "under", "under"]
    assert len(assigned) == 180 and assigned["segment_name"].notna().all()
