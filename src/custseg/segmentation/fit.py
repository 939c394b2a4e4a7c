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

The dbt build runs the two steps as two models: :func:`k_selection_table` (``segment_k_selection``)
and :func:`fit_kmeans` with the chosen k (``segment_centroids``, the fitted model as data). The published
assignment is the nearest stored centroid, computed in SQL (macro ``assign_segment``; reference
:mod:`custseg.segmentation.scoring`); ``model_labels`` (k-means ``predict``, renumbered) is what the check
model ``segment_assignments_python`` publishes, so a data test can check that both agree.
:func:`fit_segments` runs both steps and assigns in Python (tests, benchmarks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from custseg.segmentation.inputs import feature_matrix, to_pandas, validate_frame
from custseg.segmentation.k_selection import STABILITY_THRESHOLD, SILHOUETTE_TOLERANCE, sample_indices, select_k
from custseg.segmentation.naming import name_segments
from custseg.segmentation.preprocess import Preprocessor
from custseg.segmentation.profiles import build_profiles
from custseg.segmentation.relabel import relabel
from custseg.segmentation.scoring import CENTROID_COLUMNS, nearest

DEFAULT_K_RANGE = range(2, 11)


@dataclass
class KMeansFit:
    """The final k-means fit: the fitted pieces and the model as a table."""

    k: int
    features: list[str]
    id_column: str
    ids: pd.Series  # sorted ids of the fitted rows
    centers: np.ndarray  # (k, p) in the scaled space, in segment_id order
    segment_names: dict[int, str]
    model_labels: np.ndarray  # k-means predict, renumbered, in the order of ``ids``
    preprocessor: Preprocessor = field(repr=False)
    kmeans: KMeans = field(repr=False)
    new_ids: np.ndarray = field(repr=False, default=None)  # the published id of each k-means cluster index
    table_name: str = "customer_features"

    def centroid_table(self) -> pd.DataFrame:
        """``segment_centroids``: one row per segment and feature, with the segment's name."""
        return centroid_table(self.preprocessor, self.centers, self.segment_names)

    def python_assignments(self, data=None) -> pd.DataFrame:
        """Every row's segment as k-means ``predict`` says (renumbered as published): the fitted rows, or the rows
        of ``data`` (the same id and feature columns), transformed and scaled as the fitted rows were."""
        if data is None:
            ids, labels = self.ids, self.model_labels
        else:
            ids, raw = prepared(data, self.features, self.id_column, self.table_name)
            with _threads(1):
                labels = self.new_ids[self.kmeans.predict(self.preprocessor.reduce(self.preprocessor.scale(raw)))]
        return pd.DataFrame({self.id_column: pd.array(ids.to_numpy(), dtype="string"),
                             "segment_id": np.asarray(labels).astype("int64")})


@dataclass
class SegmentationResult:
    """Everything :func:`fit_segments` produces; the ``*`` DataFrames are the published tables."""

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


def _threads(n_threads: int | None):
    """Cap scikit-learn's OpenMP/BLAS threads (default 1: on a busy 2-core machine, OpenMP threads waiting
    for each other made k-means ~10x slower); ``None`` keeps the libraries' default. Results do not depend
    on it."""
    return nullcontext() if n_threads is None else threadpool_limits(limits=n_threads)


def prepared(data, features: Sequence[str], id_column: str, table_name: str) -> tuple[pd.Series, np.ndarray]:
    """The validated rows sorted by id (so input row order never matters): ids and the raw matrix."""
    df = to_pandas(data, table_name)
    validate_frame(df, list(features), id_column, table_name)
    ids = df[id_column].astype(str)
    order = np.argsort(ids.to_numpy(dtype=object), kind="stable")
    return ids.iloc[order].reset_index(drop=True), feature_matrix(df, list(features))[order]


def k_selection_table(data, features: Sequence[str], *, transforms: Mapping[str, str] | None = None,
                      id_column: str = "customer_id", k_range: Iterable[int] = DEFAULT_K_RANGE,
                      fixed_k: int | None = None, pca_components: int | float | None = None, n_init: int = 10,
                      random_state: int = 42, silhouette_sample_size: int | None = 10_000,
                      selection_sample_size: int | None = 50_000, table_name: str = "customer_features",
                      n_threads: int | None = 1, silhouette_tolerance: float = SILHOUETTE_TOLERANCE,
                      stability_bootstraps: int = 0, segments_min: int = 2, segments_max: int | None = None,
                      stability_threshold: float = STABILITY_THRESHOLD, **_ignored) -> pd.DataFrame:
    """``segment_k_selection``: the criteria for every k of ``k_range`` (on a bounded sample) and the chosen k.

    Rows of ``data`` are sorted by ``id_column``, the features transformed, imputed and scaled (see
    :mod:`custseg.segmentation.preprocess`), and k chosen by :func:`custseg.segmentation.k_selection.choose_k`
    unless ``fixed_k`` is given.
    """
    _, raw = prepared(data, features, id_column, table_name)
    with _threads(n_threads):
        pre = Preprocessor(features, transforms or {}, pca_components, random_state).fit(raw)
        _, table = select_k(pre.reduce(pre.scale(raw)), k_range, fixed_k=fixed_k, n_init=n_init,
                            random_state=random_state, silhouette_sample_size=silhouette_sample_size,
                            selection_sample_size=selection_sample_size,
                            silhouette_tolerance=silhouette_tolerance,
                            stability_bootstraps=stability_bootstraps, segments_min=segments_min,
                            segments_max=segments_max, stability_threshold=stability_threshold)
    return table


def chosen_k(k_selection) -> int:
    """The k marked ``is_chosen`` in a ``segment_k_selection`` table."""
    table = to_pandas(k_selection, "segment_k_selection")
    chosen = table.loc[table["is_chosen"].astype(bool), "k"].tolist()
    if len(chosen) != 1:
        raise ValueError(f"table 'segment_k_selection' must mark exactly one k as is_chosen, found {chosen}")
    return int(chosen[0])


def fit_kmeans(data, features: Sequence[str], k: int, *, transforms: Mapping[str, str] | None = None,
               id_column: str = "customer_id", pca_components: int | float | None = None, n_init: int = 10,
               random_state: int = 42, fit_sample_size: int | None = None,
               name_vocabulary: Mapping | None = None, table_name: str = "customer_features",
               n_threads: int | None = 1, **_ignored) -> KMeansFit:
    """The final k-means with ``k`` segments (``n_init`` starts, ``random_state``) on every row, or a fixed
    random sample of ``fit_sample_size`` rows; ids renumbered by size; names from the members' mean z-scores."""
    ids, raw = prepared(data, features, id_column, table_name)
    with _threads(n_threads):
        pre = Preprocessor(features, transforms or {}, pca_components, random_state).fit(raw)
        z = pre.scale(raw)
        x = pre.reduce(z)
        fit_idx = sample_indices(len(x), fit_sample_size, random_state)
        km = KMeans(n_clusters=int(k), n_init=n_init, random_state=random_state).fit(x[fit_idx])
        model_labels, centers, cluster_ids = relabel(km.predict(x), pre.to_scaled_space(km.cluster_centers_))
    idx, _ = nearest(z, centers)
    segment_ids = idx + 1
    z_means = np.vstack([z[segment_ids == s].mean(axis=0) if (segment_ids == s).any() else centers[s - 1]
                         for s in range(1, int(k) + 1)])
    names = name_segments(z_means, list(features), name_vocabulary)
    return KMeansFit(k=int(k), features=list(features), id_column=id_column, ids=ids, centers=centers,
                     segment_names={s: names[s - 1] for s in range(1, int(k) + 1)}, model_labels=model_labels,
                     preprocessor=pre, kmeans=km, new_ids=cluster_ids, table_name=table_name)


def fit_segments(data, features: Sequence[str], *, transforms: Mapping[str, str] | None = None,
                 id_column: str = "customer_id", k_range: Iterable[int] = DEFAULT_K_RANGE,
                 fixed_k: int | None = None, pca_components: int | float | None = None, n_init: int = 10,
                 random_state: int = 42, silhouette_sample_size: int | None = 10_000,
                 selection_sample_size: int | None = 50_000, fit_sample_size: int | None = None,
                 name_vocabulary: Mapping | None = None, table_name: str = "customer_features",
                 n_threads: int | None = 1, silhouette_tolerance: float = SILHOUETTE_TOLERANCE,
                 stability_bootstraps: int = 0, segments_min: int = 2, segments_max: int | None = None,
                 stability_threshold: float = STABILITY_THRESHOLD) -> SegmentationResult:
    """Both steps and the assignment in Python: :func:`k_selection_table`, :func:`fit_kmeans`, nearest
    centroid. ``data`` has ``id_column`` (string ids, unique) and the numeric ``features``."""
    options = dict(transforms=transforms, id_column=id_column, pca_components=pca_components, n_init=n_init,
                   random_state=random_state, table_name=table_name, n_threads=n_threads)
    k_table = k_selection_table(data, features, k_range=k_range, fixed_k=fixed_k,
                                silhouette_sample_size=silhouette_sample_size,
                                selection_sample_size=selection_sample_size,
                                silhouette_tolerance=silhouette_tolerance,
                                stability_bootstraps=stability_bootstraps, segments_min=segments_min,
                                segments_max=segments_max, stability_threshold=stability_threshold, **options)
    fit = fit_kmeans(data, features, chosen_k(k_table), fit_sample_size=fit_sample_size,
                     name_vocabulary=name_vocabulary, **options)
    pre = fit.preprocessor
    _, raw = prepared(data, features, id_column, table_name)
    z = pre.scale(raw)
    idx, d2 = nearest(z, fit.centers)
    segment_ids = idx + 1
    names = fit.segment_names
    assignments = pd.DataFrame({
        id_column: pd.array(fit.ids.to_numpy(), dtype="string"),
        "segment_id": segment_ids.astype("int64"),
        "segment_name": pd.array([names[s] for s in segment_ids], dtype="string"),
        "distance_to_centroid": np.sqrt(d2).astype("float64"),
    })
    return SegmentationResult(
        k=fit.k, features=list(features), id_column=id_column, assignments=assignments,
        centroids=centroid_table(pre, fit.centers, names), k_selection=k_table,
        profiles=build_profiles(raw, segment_ids, list(features), names),
        pca_variance=pre.pca_variance_table(), segment_names=names,
        model_labels=fit.model_labels, preprocessor=pre, kmeans=fit.kmeans)


def centroid_table(pre: Preprocessor, centers: np.ndarray, segment_names: Mapping[int, str]) -> pd.DataFrame:
    """The long ``segment_centroids`` table: one row per segment and feature (scaled space)."""
    feats = pre.feature_table()
    k, p = centers.shape
    table = pd.concat([feats.assign(segment_id=np.int64(s + 1), segment_name=segment_names[s + 1],
                                    centroid=centers[s].astype("float64"))
                       for s in range(k)], ignore_index=True)
    return table[list(CENTROID_COLUMNS)].astype({"segment_id": "int64", "segment_name": "string",
                                                 "feature_position": "int64", "centroid": "float64"})
