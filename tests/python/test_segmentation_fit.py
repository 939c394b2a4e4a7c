"""The k-means fit: recovery, determinism, stable ids, tables, scoring from the centroids table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from custseg.segmentation import SegmentationInputError, assign_from_centroids, fit_segments
from custseg.segmentation.relabel import relabel, stable_order

FEATURES = ["recency_days", "frequency", "monetary"]
FAST = dict(k_range=range(2, 7), n_init=4, random_state=7)


def blobs(n=600, centers=4, seed=0, std=0.6):
    x, y = make_blobs(n_samples=n, centers=centers, n_features=len(FEATURES), cluster_std=std,
                      center_box=(-10, 10), random_state=seed)
    df = pd.DataFrame(x, columns=FEATURES)
    df.insert(0, "customer_id", [f"C{i:05d}" for i in range(n)])
    return df, y


@pytest.fixture(scope="module")
def planted():
    df, y = blobs()
    return df, y, fit_segments(df, FEATURES, **FAST)


def test_planted_blobs_are_recovered(planted):
    df, y, r = planted
    assert r.k == 4
    got = r.assignments.set_index("customer_id").loc[df["customer_id"], "segment_id"].to_numpy()
    assert adjusted_rand_score(y, got) >= 0.95


def test_output_tables_have_fixed_columns_and_dtypes(planted):
    _, _, r = planted
    a = r.assignments
    assert list(a.columns) == ["customer_id", "segment_id", "segment_name", "distance_to_centroid"]
    assert [str(t) for t in a.dtypes] == ["string", "int64", "string", "float64"]
    assert list(r.centroids.columns) == ["segment_id", "segment_name", "feature_name", "feature_position", "transform",
                                         "impute_value", "scaler_mean", "scaler_scale", "centroid"]
    assert len(r.centroids) == r.k * len(FEATURES)
    assert list(r.k_selection.columns)[:6] == ["k", "inertia", "silhouette", "davies_bouldin",
                                               "calinski_harabasz", "is_chosen"]
    assert r.k_selection["is_chosen"].sum() == 1
    assert list(r.profiles.columns) == ["segment_id", "segment_name", "customers", "share",
                                        *[f"mean_{f}" for f in FEATURES]]
    assert r.profiles["customers"].sum() == len(a)
    assert r.profiles["share"].sum() == pytest.approx(1.0)
    assert sorted(a["segment_id"].unique()) == list(range(1, r.k + 1))
    assert a["customer_id"].is_monotonic_increasing


def test_two_fits_give_identical_tables(planted):
    df, _, r1 = planted
    r2 = fit_segments(df, FEATURES, **FAST)
    for name in ("assignments", "centroids", "k_selection", "profiles"):
        pd.testing.assert_frame_equal(getattr(r1, name), getattr(r2, name))


def test_input_row_order_does_not_change_the_segments(planted):
    df, _, r1 = planted
    shuffled = df.sample(frac=1.0, random_state=3).reset_index(drop=True)
    r2 = fit_segments(shuffled, FEATURES, **FAST)
    pd.testing.assert_frame_equal(r1.assignments, r2.assignments)
    pd.testing.assert_frame_equal(r1.centroids, r2.centroids)


def test_relabeling_is_stable_whatever_the_kmeans_numbering():
    rng = np.random.default_rng(1)
    centers = rng.normal(size=(4, 3))
    labels = rng.choice(4, size=200, p=[0.1, 0.2, 0.3, 0.4])
    ids, ordered, _ = relabel(labels, centers)
    for perm in ([3, 2, 1, 0], [1, 0, 3, 2], [2, 3, 0, 1]):
        perm = np.array(perm)  # cluster c is called perm[c] by another run
        inv = np.argsort(perm)
        ids2, ordered2, _ = relabel(perm[labels], centers[inv])
        np.testing.assert_array_equal(ids, ids2)
        np.testing.assert_array_equal(ordered, ordered2)
    # largest segment first; equal sizes ordered by centroid coordinates
    assert np.bincount(ids)[1] == np.bincount(labels).max()
    same_size = stable_order(np.array([0, 1]), np.array([[2.0, 0.0], [1.0, 5.0]]))
    np.testing.assert_array_equal(same_size, [1, 0])


def test_centroid_table_assignment_equals_model_labels(planted):
    df, _, r = planted
    np.testing.assert_array_equal(r.assignments["segment_id"].to_numpy(), r.model_labels)
    scored = assign_from_centroids(df, r.centroids, segment_names=r.segment_names)
    scored = scored.sort_values("customer_id").reset_index(drop=True)
    np.testing.assert_array_equal(scored["segment_id"].to_numpy(), r.model_labels)
    pd.testing.assert_frame_equal(scored, r.assignments)


def test_pca_centroids_mapped_back_score_like_the_model():
    df, y = blobs(n=500, centers=3, seed=4)
    df["noise"] = np.random.default_rng(0).normal(size=len(df))
    feats = [*FEATURES, "noise"]
    r = fit_segments(df, feats, pca_components=2, **FAST)
    assert len(r.pca_variance) == 2
    assert 0 < r.pca_variance["cumulative_variance_ratio"].iloc[-1] <= 1
    assert len(r.centroids) == r.k * len(feats)  # stored in the scaled space, not PCA space
    np.testing.assert_array_equal(r.assignments["segment_id"].to_numpy(), r.model_labels)
    scored = assign_from_centroids(df, r.centroids).sort_values("customer_id")
    np.testing.assert_array_equal(scored["segment_id"].to_numpy(), r.model_labels)
    got = r.assignments.set_index("customer_id").loc[df["customer_id"], "segment_id"]
    assert adjusted_rand_score(y, got) >= 0.95


def test_pyarrow_input_gives_the_same_result(planted):
    df, _, r = planted
    r2 = fit_segments(pa.Table.from_pandas(df), FEATURES, **FAST)
    pd.testing.assert_frame_equal(r.assignments, r2.assignments)


def test_transform_impute_and_scaler_are_recorded():
    df = pd.DataFrame({"customer_id": [f"C{i}" for i in range(8)],
                       "monetary": [-5.0, 0.0, 1.0, 3.0, np.nan, 100.0, 120.0, 90.0],
                       "age": [20, 21, np.nan, 60, 61, 62, 22, 63]})
    r = fit_segments(df, ["monetary", "age"], transforms={"monetary": "log1p"}, fixed_k=2, n_init=2)
    c = r.centroids[r.centroids["segment_id"] == 1].set_index("feature_name")
    t = np.log(1.0 + np.array([0.0, 0.0, 1.0, 3.0, 100.0, 120.0, 90.0]))  # negative clipped to 0
    assert c.loc["monetary", "transform"] == "log1p"
    assert c.loc["monetary", "impute_value"] == pytest.approx(np.median(t))
    assert c.loc["age", "impute_value"] == pytest.approx(60.0)
    full_age = np.array([20, 21, 60, 60, 61, 62, 22, 63], dtype=float)
    assert c.loc["age", "scaler_mean"] == pytest.approx(full_age.mean())
    assert c.loc["age", "scaler_scale"] == pytest.approx(full_age.std())
    assert r.k == 2 and r.k_selection.set_index("k").loc[2, "is_chosen"]
    scored = assign_from_centroids(df, r.centroids).sort_values("customer_id")
    np.testing.assert_array_equal(scored["segment_id"].to_numpy(), r.model_labels)


def test_missing_feature_column_is_named():
    df, _ = blobs(n=50)
    with pytest.raises(SegmentationInputError, match=r"customer_features.*'frequency'"):
        fit_segments(df.drop(columns="frequency"), FEATURES, **FAST)
    with pytest.raises(SegmentationInputError, match=r"'customer_id'"):
        fit_segments(df.drop(columns="customer_id"), FEATURES, **FAST)


def test_empty_input_names_the_table():
    df, _ = blobs(n=50)
    with pytest.raises(SegmentationInputError, match=r"table 'customer_features' is empty"):
        fit_segments(df.iloc[:0], FEATURES, **FAST)
    with pytest.raises(SegmentationInputError, match=r"table 'population' is empty"):
        fit_segments(df.iloc[:0], FEATURES, table_name="population", **FAST)


def test_non_numeric_feature_and_duplicate_ids_are_named():
    df, _ = blobs(n=50)
    with pytest.raises(SegmentationInputError, match=r"'monetary' is not numeric"):
        fit_segments(df.assign(monetary="x"), FEATURES, **FAST)
    with pytest.raises(SegmentationInputError, match=r"duplicate ids"):
        fit_segments(df.assign(customer_id="C1"), FEATURES, **FAST)
