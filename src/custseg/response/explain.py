"""Explain the models: permutation importance, and the logistic model as a table that SQL can score.

Coefficient table (one row per feature plus an intercept row with ``feature_position = 0``)::

    feature_name, feature_position, impute_value, scaler_mean, scaler_scale, coefficient, transform

Scoring rule, reproduced by :func:`predict_proba_from_coefficients` and the ``score_response_logit`` macro::

    x_j'  = coalesce(transform_j(x_j), impute_value_j)           -- median of the (transformed) training rows
            transform 'log1p' = ln(1 + greatest(x, 0)), 'none' = x
    z     = intercept + sum_j coefficient_j * (x_j' - scaler_mean_j) / scaler_scale_j
    p     = 1 / (1 + exp(-z))
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from custseg.response.transforms import apply_transform

INTERCEPT = "(intercept)"
COEFFICIENT_COLUMNS = ["feature_name", "feature_position", "impute_value", "scaler_mean", "scaler_scale",
                       "coefficient", "transform"]
IMPORTANCE_COLUMNS = ["feature_name", "feature_position", "importance_mean", "importance_std",
                      "importance_rank", "method"]


def logit_coefficients_table(pipeline: Pipeline, feature_names: Sequence[str],
                             transforms: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The fitted impute -> scale -> logistic pipeline as rows (intercept first).

    ``transforms`` (feature -> 'log1p' / 'none') records what was applied to the raw column before the
    pipeline; the intercept row has transform null."""
    transforms = transforms or {}
    imputer, scaler, model = (pipeline.named_steps[s] for s in ("impute", "scale", "model"))
    coef = np.asarray(model.coef_, dtype=float).ravel()
    if len(coef) != len(feature_names):
        raise ValueError(f"model has {len(coef)} coefficients for {len(feature_names)} features")
    rows = pd.DataFrame({
        "feature_name": [INTERCEPT, *feature_names],
        "feature_position": np.arange(0, len(feature_names) + 1, dtype=np.int64),
        "impute_value": [np.nan, *np.asarray(imputer.statistics_, dtype=float)],
        "scaler_mean": [np.nan, *np.asarray(scaler.mean_, dtype=float)],
        "scaler_scale": [np.nan, *np.asarray(scaler.scale_, dtype=float)],
        "coefficient": [float(np.ravel(model.intercept_)[0]), *coef],
        "transform": [None, *(transforms.get(f, "none") for f in feature_names)],
    })
    return rows[COEFFICIENT_COLUMNS]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict_proba_from_coefficients(coefficients: pd.DataFrame,
                                    rows: pd.DataFrame | Mapping[str, Sequence[float]]) -> np.ndarray:
    """Pure-Python scoring from the coefficient table (the reference for the SQL macro).

    ``rows`` maps each feature_name to its raw values (a DataFrame or a dict of columns): the table's
    transform is applied, then nulls/NaN are imputed.
    """
    coefs = coefficients.sort_values("feature_position")
    intercept_rows = coefs[coefs["feature_position"] == 0]
    if len(intercept_rows) != 1:
        raise ValueError("coefficient table needs exactly one intercept row (feature_position = 0)")
    intercept = float(intercept_rows["coefficient"].iloc[0])
    terms = []
    for rec in coefs[coefs["feature_position"] > 0].itertuples(index=False):
        if rec.feature_name not in rows:
            raise ValueError(f"feature column {rec.feature_name!r} not found in the rows to score")
        transform = getattr(rec, "transform", None) or "none"
        terms.append((list(apply_transform(rows[rec.feature_name], transform)), float(rec.impute_value), float(rec.scaler_mean),
                      float(rec.scaler_scale), float(rec.coefficient)))
    n = len(terms[0][0]) if terms else len(rows)
    out = np.empty(n, dtype=float)
    for i in range(n):
        z = intercept
        for values, impute, mean, scale, coef in terms:
            x = values[i]
            if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
                x = impute
            z += coef * ((float(x) - mean) / scale)
        out[i] = _sigmoid(z)
    return out


def permutation_importance_table(pipeline: Pipeline, X: np.ndarray, y: np.ndarray,
                                 feature_names: Sequence[str], scoring: str = "roc_auc",
                                 n_repeats: int = 5, random_state: int = 0,
                                 max_rows: int = 5000) -> pd.DataFrame:
    """Permutation importance of the refit model on the labeled rows (in-sample; fixed seed).

    importance = drop of ROC-AUC when the feature's values are shuffled (mean and std over ``n_repeats``);
    rank 1 = most important (ties by position). Every preprocessing step of our pipelines works column by
    column (median imputation, scaling, binning), so shuffling a raw column equals shuffling the transformed
    column: the preprocessing runs once and only the final estimator is re-scored. At most ``max_rows`` rows
    are used (a seeded subsample) to bound the cost.
    """
    if scoring != "roc_auc":
        raise ValueError(f"only scoring='roc_auc' is supported, got {scoring!r}")
    rng = np.random.RandomState(random_state)
    if len(y) > max_rows:
        idx = np.sort(rng.choice(len(y), max_rows, replace=False))
        X, y = X[idx], y[idx]
    if isinstance(pipeline, Pipeline):
        Xt = pipeline[:-1].transform(X) if len(pipeline) > 1 else np.asarray(X, dtype=float)
        est = pipeline[-1]
    else:  # a blend: each component preprocesses column by column itself, so the raw columns are shuffled
        Xt, est = X, pipeline
    Xt = np.array(Xt, dtype=float, copy=True)
    base = roc_auc_score(y, est.predict_proba(Xt)[:, 1])
    drops = np.zeros((Xt.shape[1], n_repeats))
    for j in range(Xt.shape[1]):
        original = Xt[:, j].copy()
        for r in range(n_repeats):
            Xt[:, j] = original[rng.permutation(len(original))]
            drops[j, r] = base - roc_auc_score(y, est.predict_proba(Xt)[:, 1])
        Xt[:, j] = original
    out = pd.DataFrame({
        "feature_name": list(feature_names),
        "feature_position": np.arange(1, len(feature_names) + 1, dtype=np.int64),
        "importance_mean": drops.mean(axis=1),
        "importance_std": drops.std(axis=1),
    })
    order = np.lexsort((out["feature_position"].to_numpy(), -out["importance_mean"].to_numpy()))
    rank = np.empty(len(out), dtype=np.int64)
    rank[order] = np.arange(1, len(out) + 1)
    out["importance_rank"] = rank
    out["method"] = f"permutation_{scoring}"
    return out[IMPORTANCE_COLUMNS]
