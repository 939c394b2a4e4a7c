"""Nearest-centroid scoring from the stored ``segment_centroids`` table.

This is the reference implementation of the SQL macro ``assign_segment``: it uses only
the table (no scikit-learn object), and does exactly what the SQL does:

    z_f   = (coalesce(transform_f(x_f), impute_value_f) - scaler_mean_f) / scaler_scale_f
    d2_s  = sum over features f of (z_f - centroid_{s,f})^2
    segment_id = the s with the smallest d2_s; ties go to the lowest segment_id
    distance_to_centroid = sqrt(d2_s)

``transform_f`` is ``ln(1 + max(x, 0))`` for ``'log1p'`` and the identity for ``'none'``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from custseg.segmentation.inputs import SegmentationInputError, feature_matrix, to_pandas, validate_frame
from custseg.segmentation.preprocess import apply_transform

CENTROID_COLUMNS = ("segment_id", "segment_name", "feature_name", "feature_position", "transform", "impute_value",
                    "scaler_mean", "scaler_scale", "centroid")
ASSIGNMENT_COLUMNS = ("segment_id", "segment_name", "distance_to_centroid")


def unpack_centroids(centroids: pd.DataFrame) -> dict:
    """Check the long centroids table and return its parts as arrays.

    Returns a dict with ``segment_ids`` (k,), ``features`` (p,), ``transforms`` (p,),
    ``impute_value``, ``scaler_mean``, ``scaler_scale`` (p,) and ``centroids`` (k, p).
    """
    centroids = to_pandas(centroids, "segment_centroids")
    missing = [c for c in CENTROID_COLUMNS if c not in centroids.columns]
    if missing:
        raise SegmentationInputError(f"table 'segment_centroids' has no column(s) {', '.join(missing)}")
    if len(centroids) == 0:
        raise SegmentationInputError("table 'segment_centroids' is empty: no model to score with")
    c = centroids.sort_values(["feature_position", "segment_id"]).reset_index(drop=True)
    feats = c.drop_duplicates("feature_position")[["feature_position", "feature_name", "transform",
                                                   "impute_value", "scaler_mean", "scaler_scale"]]
    per_feature = c.groupby("feature_position")[["feature_name", "transform", "impute_value", "scaler_mean",
                                                  "scaler_scale"]].nunique(dropna=False)
    if (per_feature > 1).any().any():
        raise SegmentationInputError("table 'segment_centroids': feature parameters differ between segments")
    segment_ids = np.sort(c["segment_id"].unique()).astype("int64")
    grid = c.pivot(index="segment_id", columns="feature_position", values="centroid").loc[segment_ids]
    if grid.isna().any().any() or grid.shape[1] != len(feats):
        raise SegmentationInputError("table 'segment_centroids': some segment lacks a centroid for some feature")
    return {
        "segment_ids": segment_ids,
        "features": feats["feature_name"].astype(str).tolist(),
        "transforms": feats["transform"].astype(str).tolist(),
        "impute_value": feats["impute_value"].to_numpy(dtype="float64"),
        "scaler_mean": feats["scaler_mean"].to_numpy(dtype="float64"),
        "scaler_scale": feats["scaler_scale"].to_numpy(dtype="float64"),
        "centroids": grid[feats["feature_position"].tolist()].to_numpy(dtype="float64"),
    }


def scale_with(raw: np.ndarray, parts: Mapping) -> np.ndarray:
    """Transform, impute and standardize a raw matrix with the stored parameters."""
    z = np.empty_like(raw, dtype="float64")
    for j, t in enumerate(parts["transforms"]):
        col = apply_transform(raw[:, j], t)
        col = np.where(np.isnan(col), parts["impute_value"][j], col)
        z[:, j] = (col - parts["scaler_mean"][j]) / parts["scaler_scale"][j]
    return z


def nearest(z: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centroid (ties: the lowest index) and the squared distance.

    Distances are summed feature by feature, as the SQL does (no ``|a|^2 - 2ab + |b|^2``
    expansion, whose rounding could flip near-ties). Memory is O(n * p) per centroid.
    """
    n, k = len(z), len(centroids)
    best = np.zeros(n, dtype="int64")
    best_d2 = np.full(n, np.inf)
    for s in range(k):
        d2 = np.zeros(n)
        for j in range(z.shape[1]):
            d2 += (z[:, j] - centroids[s, j]) ** 2
        better = d2 < best_d2  # strict: an exact tie keeps the earlier (lower) segment
        best[better] = s
        best_d2[better] = d2[better]
    return best, best_d2


def assign_from_centroids(data, centroids: pd.DataFrame, *, id_column: str = "customer_id",
                          segment_names: Mapping[int, str] | None = None,
                          table_name: str = "input") -> pd.DataFrame:
    """Assign every row of ``data`` to its nearest stored centroid.

    Returns ``id_column, segment_id, segment_name, distance_to_centroid`` in the input's
    row order (``segment_name`` is null unless ``segment_names`` is given).
    """
    parts = unpack_centroids(centroids)
    df = to_pandas(data, table_name)
    validate_frame(df, parts["features"], id_column, table_name)
    z = scale_with(feature_matrix(df, parts["features"]), parts)
    idx, d2 = nearest(z, parts["centroids"])
    seg = parts["segment_ids"][idx]
    names = segment_names or {}
    return pd.DataFrame({
        id_column: pd.array(df[id_column].astype(str).to_numpy(), dtype="string"),
        "segment_id": seg.astype("int64"),
        "segment_name": pd.array([names.get(int(s)) for s in seg], dtype="string"),
        "distance_to_centroid": np.sqrt(d2).astype("float64"),
    })
