"""Fitting the segmentation: preprocess, choose k, k-means, stable ids, names, tables.

Determinism: rows are sorted by id before anything else (so input row order does not
matter), every random step uses ``random_state`` (k-means with a fixed ``n_init``, the
silhouette and selection samples), and clusters are renumbered by a fixed rule
(:mod:`custseg.segmentation.relabel`). Two fits of the same data give identical tables.

PCA and SQL scoring: with PCA on, k-means runs on the PCA scores, and the centroids are
mapped back to the scaled space with ``pca.inverse_transform``. Because the PCA components
are orthonormal, the squared distance of a point z to a mapped-back centroid equals its
squared distance in PCA space plus a term that depends on z only, so **nearest centroid in
the scaled space is the same segment as nearest centroid in PCA space**. Hence
``segment_centroids`` never needs the PCA components: SQL scores in the scaled space, and
``distance_to_centroid`` is always the Euclidean distance in the scaled space.

The published assignment is the nearest stored centroid (:mod:`custseg.segmentation.scoring`,
the reference of the SQL macro); ``model_labels`` (k-means ``predict``, renumbered) is kept
so tests can check that both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from custseg.segmentation.inputs import feature_matrix, to_pandas, validate_frame
from custseg.segmentation.k_selection import SILHOUETTE_TOLERANCE, sample_indices, select_k
from custseg.segmentation.naming import name_segments
from custseg.segmentation.preprocess import Preprocessor
from custseg.segmentation.profiles import build_profiles
from custseg.segmentation.relabel import relabel
from custseg.segmentation.scoring import CENTROID_COLUMNS, nearest

DEFAULT_K_RANGE = range(2, 11)


@dataclass
class SegmentationResult:
    """Everything one fit produces; the ``*`` DataFrames are the published tables."""

    k: int
    features: list[str]
    id_column: str
    assignments: pd.DataFrame  # id, segment_id, segment_name, distance_to_centroid
    centroids: pd.DataFrame  # segment x feature
    k_selection: pd.DataFrame
    profiles: pd.DataFrame
    pca_variance: pd.DataFrame
    segment_names: dict[int, str]
    model_labels: np.ndarray  # k-means predict, renumbered, in the row order of ``assignments``
    preprocessor: Preprocessor = field(repr=False)
    kmeans: KMeans = field(repr=False)

    def score(self, data, table_name: str = "input") -> pd.DataFrame:
        """Assign new rows with the stored centroids (what the SQL macro does)."""
        from custseg.segmentation.scoring import assign_from_centroids

        return assign_from_centroids(data, self.centroids, id_column=self.id_column,
                                     segment_names=self.segment_names, table_name=table_name)


def fit_segments(data, features: Sequence[str], *, transforms: Mapping[str, str] | None = None,
                 id_column: str = "customer_id", k_range: Iterable[int] = DEFAULT_K_RANGE,
                 fixed_k: int | None = None, pca_components: int | float | None = None, n_init: int = 10,
                 random_state: int = 42, silhouette_sample_size: int | None = 10_000,
                 selection_sample_size: int | None = 50_000, fit_sample_size: int | None = None,
                 name_vocabulary: Mapping | None = None, table_name: str = "customer_features",
                 n_threads: int | None = 1, silhouette_tolerance: float = SILHOUETTE_TOLERANCE,
                 ) -> SegmentationResult:
    """Segment the rows of ``data`` (pandas DataFrame or pyarrow Table).

    ``data`` has ``id_column`` (string ids, unique) and the numeric ``features``. Nulls
    are imputed with the median of the transformed column (see
    :mod:`custseg.segmentation.preprocess`). k is chosen over ``k_range`` by the rule of
    :func:`custseg.segmentation.k_selection.choose_k` unless ``fixed_k`` is given. The
    final k-means (``n_init`` starts, ``random_state``) uses every row, or a fixed random
    sample of ``fit_sample_size`` rows; every row is then assigned to its nearest centroid.

    ``n_threads`` caps the OpenMP/BLAS threads of scikit-learn during the fit (default 1:
    on a busy 2-core machine, OpenMP threads waiting for each other made k-means ~10x
    slower; ``None`` keeps the libraries' default). The result does not depend on it.
    """
    args = (data, list(features), transforms, id_column, k_range, fixed_k, pca_components, n_init,
            random_state, silhouette_sample_size, selection_sample_size, fit_sample_size,
            name_vocabulary, table_name, silhouette_tolerance)
    if n_threads is None:
        return _fit(*args)
    with threadpool_limits(limits=n_threads):
        return _fit(*args)


def _fit(data, features, transforms, id_column, k_range, fixed_k, pca_components, n_init, random_state,
         silhouette_sample_size, selection_sample_size, fit_sample_size, name_vocabulary, table_name,
         silhouette_tolerance):
    df = to_pandas(data, table_name)
    validate_frame(df, features, id_column, table_name)
    ids = df[id_column].astype(str)
    order = np.argsort(ids.to_numpy(dtype=object), kind="stable")
    ids = ids.iloc[order].reset_index(drop=True)
    raw = feature_matrix(df, features)[order]

    pre = Preprocessor(features, transforms or {}, pca_components, random_state).fit(raw)
    z = pre.scale(raw)
    x = pre.reduce(z)

    k, k_table = select_k(x, k_range, fixed_k=fixed_k, n_init=n_init, random_state=random_state,
                          silhouette_sample_size=silhouette_sample_size,
                          selection_sample_size=selection_sample_size,
                          silhouette_tolerance=silhouette_tolerance)
    fit_idx = sample_indices(len(x), fit_sample_size, random_state)
    km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(x[fit_idx])
    km_labels = km.predict(x)
    model_labels, centers = relabel(km_labels, pre.to_scaled_space(km.cluster_centers_))

    idx, d2 = nearest(z, centers)
    segment_ids = idx + 1
    z_means = np.vstack([z[segment_ids == s].mean(axis=0) if (segment_ids == s).any() else centers[s - 1]
                         for s in range(1, k + 1)])
    names = name_segments(z_means, features, name_vocabulary)
    segment_names = {s: names[s - 1] for s in range(1, k + 1)}

    assignments = pd.DataFrame({
        id_column: pd.array(ids.to_numpy(), dtype="string"),
        "segment_id": segment_ids.astype("int64"),
        "segment_name": pd.array([names[s - 1] for s in segment_ids], dtype="string"),
        "distance_to_centroid": np.sqrt(d2).astype("float64"),
    })
    return SegmentationResult(
        k=k, features=features, id_column=id_column, assignments=assignments,
        centroids=centroid_table(pre, centers), k_selection=k_table,
        profiles=build_profiles(raw, segment_ids, features, segment_names),
        pca_variance=pre.pca_variance_table(), segment_names=segment_names,
        model_labels=model_labels, preprocessor=pre, kmeans=km)


def centroid_table(pre: Preprocessor, centers: np.ndarray) -> pd.DataFrame:
    """The long ``segment_centroids`` table: one row per segment and feature (scaled space)."""
    feats = pre.feature_table()
    k, p = centers.shape
    table = pd.concat([feats.assign(segment_id=np.int64(s + 1), centroid=centers[s].astype("float64"))
                       for s in range(k)], ignore_index=True)
    return table[list(CENTROID_COLUMNS)].astype({"segment_id": "int64", "feature_position": "int64",
                                                 "centroid": "float64"})
