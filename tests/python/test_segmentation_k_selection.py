"""Choosing k: criteria per k, the rule, silhouette sampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

from custseg.segmentation import choose_k, evaluate_k, select_k
from custseg.segmentation.k_selection import sample_indices, silhouettes


@pytest.mark.parametrize("planted_k", [3, 5])
def test_k_selection_picks_the_planted_k_on_clean_blobs(planted_k):
    x, _ = make_blobs(n_samples=400, centers=planted_k, n_features=4, cluster_std=0.5,
                      center_box=(-10, 10), random_state=planted_k)
    k, table = select_k(x, range(2, 9), n_init=4, random_state=1)
    assert k == planted_k
    assert table.loc[table["is_chosen"], "k"].tolist() == [planted_k]
    assert table["k"].tolist() == list(range(2, 9))
    assert table["inertia"].is_monotonic_decreasing
    row = table.set_index("k").loc[planted_k]
    assert row["davies_bouldin"] == table["davies_bouldin"].min()
    assert row["calinski_harabasz"] == table["calinski_harabasz"].max()


def test_silhouettes_equal_scikit_learns_bit_for_bit():
    """One pass over the distances for every k gives exactly silhouette_score's value of each (the sums are the
    same, in the same order): the k chosen and the table published do not depend on the shortcut. The 2,500 rows
    take more than one of scikit-learn's distance chunks when its working memory is small."""
    import sklearn

    x, _ = make_blobs(n_samples=2500, centers=4, n_features=5, random_state=3)
    labelings = [KMeans(n_clusters=k, n_init=1, random_state=0).fit(x).labels_ for k in range(2, 8)]
    labelings.append(np.where(labelings[0] == 0, 7, 3))  # labels that are not 0..k-1
    with sklearn.config_context(working_memory=16):  # 16 MB: several chunks of rows
        assert silhouettes(x, labelings) == [float(silhouette_score(x, labels)) for labels in labelings]
    assert silhouettes(x, labelings[:1]) == [float(silhouette_score(x, labelings[0]))]
    one_cluster, every_row_alone = np.zeros(6, dtype=int), np.arange(6)
    small = x[:6]
    values = silhouettes(small, [one_cluster, every_row_alone, np.array([0, 0, 0, 1, 1, 1])])
    assert np.isnan(values[0]) and np.isnan(values[1])
    assert values[2] == float(silhouette_score(small, [0, 0, 0, 1, 1, 1]))
    assert silhouettes(small, [one_cluster]) == [pytest.approx(float("nan"), nan_ok=True)]


def test_silhouette_is_computed_on_a_fixed_sample_when_data_is_larger():
    x, _ = make_blobs(n_samples=1200, centers=3, n_features=2, random_state=0)
    table = evaluate_k(x, [2, 3], n_init=2, silhouette_sample_size=300)
    assert table["silhouette_sample_size"].tolist() == [300, 300]
    again = evaluate_k(x, [2, 3], n_init=2, silhouette_sample_size=300)
    pd.testing.assert_frame_equal(table, again)
    small = evaluate_k(x[:250], [2, 3], n_init=2, silhouette_sample_size=300)
    assert small["silhouette_sample_size"].tolist() == [250, 250]
    idx = sample_indices(1200, 300, 42)
    assert len(idx) == 300 and len(np.unique(idx)) == 300 and np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(idx, sample_indices(1200, 300, 42))
    np.testing.assert_array_equal(sample_indices(10, 300, 42), np.arange(10))


def test_rule_best_silhouette_ties_go_to_the_smaller_k():
    table = pd.DataFrame({"k": [2, 3, 4, 5], "silhouette": [0.40, 0.55, 0.55004, 0.3]})
    assert choose_k(table, silhouette_tolerance=0) == 3  # 0.55 and 0.55004 tie at 4 decimals
    table.loc[2, "silhouette"] = 0.5501
    assert choose_k(table, silhouette_tolerance=0) == 4
    assert choose_k(table) == 3  # within the default tolerance 0.02 of the best: the smaller k
    table.loc[2, "silhouette"] = 0.5701
    assert choose_k(table) == 4  # 0.0201 better: a real improvement
    table.loc[2, "silhouette"] = 0.57
    assert choose_k(table) == 3  # exactly 0.02: still a near-tie
    assert choose_k(table, fixed_k=5) == 5
    assert choose_k(pd.DataFrame({"k": [3, 2], "silhouette": [np.nan, np.nan]})) == 2


def test_fixed_k_outside_the_range_is_added_and_chosen():
    x, _ = make_blobs(n_samples=200, centers=3, n_features=2, random_state=0)
    k, table = select_k(x, range(2, 4), fixed_k=6, n_init=2)
    assert k == 6
    assert table["k"].tolist() == [2, 3, 6]
    assert table.loc[table["is_chosen"], "k"].tolist() == [6]


def test_k_larger_than_the_distinct_rows_is_skipped():
    x = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 9.0]]), 10, axis=0)
    table = evaluate_k(x, range(2, 6), n_init=1)
    assert table["k"].tolist() == [2, 3]


def test_rule_keeps_to_the_marketers_range_and_to_stable_k():
    table = pd.DataFrame({"k": [2, 3, 4, 5, 6], "silhouette": [0.60, 0.40, 0.45, 0.46, 0.30],
                          "stability": [0.99, 0.90, 0.60, 0.85, 0.95]})
    assert choose_k(table) == 2  # the library default: the plain silhouette rule
    assert choose_k(table, segments_min=3) == 5  # k = 4 is within 0.02 of 5 but unstable (0.60 < 0.8)
    assert choose_k(table, segments_min=3, stability_threshold=0.5) == 4  # now 4 counts: the smaller near-tie
    assert choose_k(table, segments_min=3, segments_max=4) == 3  # 4 unstable, so 3 alone
    assert choose_k(table, segments_min=3, stability_threshold=0.99) == 6  # none stable: the most stable
    assert choose_k(table, segments_min=11) == 2  # a range no k falls in is ignored
    assert choose_k(table, fixed_k=4, segments_min=5) == 4


def test_stability_is_measured_in_the_range_and_separates_real_from_arbitrary_splits():
    x, _ = make_blobs(n_samples=600, centers=3, n_features=3, cluster_std=0.6, center_box=(-10, 10), random_state=3)
    k, table = select_k(x, range(2, 8), n_init=3, random_state=0, stability_bootstraps=8, segments_min=3,
                        segments_max=6)
    t = table.set_index("k")
    assert k == 3
    assert np.isnan(t.loc[2, "stability"]) and np.isnan(t.loc[7, "stability"])
    assert t.loc[2, "stability_bootstraps"] == 0 and t.loc[3, "stability_bootstraps"] == 8
    assert t.loc[3, "stability"] > 0.95  # the planted three come back on every resample
    assert t.loc[3, "stability"] > t.loc[[5, 6], "stability"].max()  # splitting a blob is arbitrary
    assert t["is_in_range"].tolist() == [False, True, True, True, True, False]
    again = select_k(x, range(2, 8), n_init=3, random_state=0, stability_bootstraps=8, segments_min=3,
                     segments_max=6)[1]
    pd.testing.assert_frame_equal(table, again)
