"""Preprocessing: per-feature transform, median imputation, standard scaling, optional PCA.

The order is fixed and is the order the SQL scoring macro applies too::

    raw value --transform--> t --impute nulls--> t' --(t' - scaler_mean) / scaler_scale--> z

* transform ``'log1p'`` (for skewed non-negative amounts such as monetary or frequency) is
  ``ln(1 + max(x, 0))``: negative values (a net refund) are clipped to 0 first, so the SQL
  ``ln(1 + x)`` never sees a value <= -1. Transform ``'none'`` keeps the value.
* Missing values (null / NaN) are imputed with the **median of the transformed column**
  computed on the fitting data; the value is recorded (``impute_value``) so SQL can use it.
  A column with no values at all is imputed with 0.
* Scaling is scikit-learn's ``StandardScaler`` (population standard deviation; a constant
  column gets scale 1). ``scaler_mean`` and ``scaler_scale`` are recorded.
* PCA (off by default) is fitted on ``z``; its explained variance is recorded by
  :meth:`Preprocessor.pca_variance_table`. Clustering then happens in PCA space, but the
  stored centroids are mapped back to the scaled space (see :mod:`custseg.segmentation.fit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

TRANSFORMS = ("log1p", "none")


def apply_transform(values: np.ndarray, transform: str) -> np.ndarray:
    """Apply one named transform to a float array (NaN stays NaN)."""
    if transform == "none":
        return values.astype("float64", copy=True)
    if transform == "log1p":
        # ln(1 + max(x, 0)), written as log(1 + x) (not np.log1p) to match SQL's ln(1 + x) bit for bit.
        with np.errstate(invalid="ignore"):
            return np.log(1.0 + np.where(values > 0, values, np.where(np.isnan(values), np.nan, 0.0)))
    raise ValueError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")


@dataclass
class Preprocessor:
    """Transform, impute (median), standardize and optionally reduce with PCA.

    Parameters
    ----------
    features:
        the feature columns, in order (the order is ``feature_position`` in the tables).
    transforms:
        feature -> ``'log1p'`` or ``'none'``; features not listed get ``'none'``.
    pca_components:
        ``None`` (no PCA), an int (number of components) or a float in (0, 1) (the share
        of variance to keep).
    random_state:
        seed of the PCA solver (the full SVD is used, so the result is deterministic anyway).
    """

    features: Sequence[str]
    transforms: Mapping[str, str] = field(default_factory=dict)
    pca_components: int | float | None = None
    random_state: int = 0

    def __post_init__(self) -> None:
        self.features = list(self.features)
        unknown = sorted(set(self.transforms) - set(self.features))
        if unknown:
            raise ValueError(f"transforms given for features that are not in the feature list: {unknown}")
        self.transform_of = {f: self.transforms.get(f, "none") for f in self.features}
        for f, t in self.transform_of.items():
            if t not in TRANSFORMS:
                raise ValueError(f"feature '{f}': unknown transform {t!r}; expected one of {TRANSFORMS}")

    # -- fitting -------------------------------------------------------------------------
    def fit(self, raw: np.ndarray) -> "Preprocessor":
        """Learn impute values, scaler and PCA from a raw (n, p) matrix."""
        t = self._transform_raw(raw)
        with np.errstate(all="ignore"):
            med = np.array([np.nanmedian(col) if np.isfinite(col).any() else 0.0 for col in t.T])
        self.impute_value_ = np.where(np.isfinite(med), med, 0.0)
        t = self._impute(t)
        scaler = StandardScaler().fit(t)
        self.scaler_mean_ = scaler.mean_.astype("float64")
        self.scaler_scale_ = scaler.scale_.astype("float64")
        z = self._scale(t)
        self.pca_ = None
        if self.pca_components is not None:
            self.pca_ = PCA(n_components=self.pca_components, svd_solver="full",
                            random_state=self.random_state).fit(z)
        return self

    # -- applying ------------------------------------------------------------------------
    def _transform_raw(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw, dtype="float64")
        if raw.ndim != 2 or raw.shape[1] != len(self.features):
            raise ValueError(f"expected a matrix with {len(self.features)} columns, got shape {raw.shape}")
        out = np.empty_like(raw)
        for j, f in enumerate(self.features):
            out[:, j] = apply_transform(raw[:, j], self.transform_of[f])
        return out

    def _impute(self, t: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(t), self.impute_value_[None, :], t)

    def _scale(self, t: np.ndarray) -> np.ndarray:
        return (t - self.scaler_mean_[None, :]) / self.scaler_scale_[None, :]

    def scale(self, raw: np.ndarray) -> np.ndarray:
        """Raw (n, p) -> the scaled matrix ``z`` (transform, impute, standardize)."""
        return self._scale(self._impute(self._transform_raw(raw)))

    def reduce(self, z: np.ndarray) -> np.ndarray:
        """Scaled matrix -> the clustering space (PCA scores, or ``z`` itself without PCA)."""
        return z if self.pca_ is None else self.pca_.transform(z)

    def to_scaled_space(self, points: np.ndarray) -> np.ndarray:
        """Points of the clustering space -> scaled space (PCA ``inverse_transform``)."""
        return points if self.pca_ is None else self.pca_.inverse_transform(points)

    # -- recording -----------------------------------------------------------------------
    def feature_table(self) -> pd.DataFrame:
        """One row per feature: name, position (1-based), transform, impute value, scaler."""
        return pd.DataFrame({
            "feature_name": pd.array(self.features, dtype="string"),
            "feature_position": np.arange(1, len(self.features) + 1, dtype="int64"),
            "transform": pd.array([self.transform_of[f] for f in self.features], dtype="string"),
            "impute_value": self.impute_value_.astype("float64"),
            "scaler_mean": self.scaler_mean_.astype("float64"),
            "scaler_scale": self.scaler_scale_.astype("float64"),
        })

    def pca_variance_table(self) -> pd.DataFrame:
        """Explained variance per PCA component (empty, same columns, without PCA)."""
        if self.pca_ is None:
            ev = ratio = np.empty(0)
        else:
            ev, ratio = self.pca_.explained_variance_, self.pca_.explained_variance_ratio_
        return pd.DataFrame({
            "component": np.arange(1, len(ev) + 1, dtype="int64"),
            "explained_variance": np.asarray(ev, dtype="float64"),
            "explained_variance_ratio": np.asarray(ratio, dtype="float64"),
            "cumulative_variance_ratio": np.cumsum(np.asarray(ratio, dtype="float64")),
        })
