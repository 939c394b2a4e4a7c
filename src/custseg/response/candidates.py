"""Candidate models: each one a scikit-learn Pipeline whose preprocessing is fitted inside the CV folds.

- ``logit``: median imputation -> StandardScaler -> L2-regularized LogisticRegression, over a small grid of C.
  Its fitted pieces are exactly what the SQL scoring macro needs (see :mod:`.explain`).
- ``hgb``: median imputation -> unweighted quantile binning -> HistGradientBoostingClassifier (no scaling
  needed), over a small grid of tree size / learning rate, with small trees, a minimum leaf size and L2
  regularization to suit a few thousand rows.

- ``blend``: the mean of the probabilities of one logistic and one boosting candidate (params
  ``{"hgb": {...}, "logit": {...}}``): an averaged model whose errors partly cancel, still scored in SQL (the
  mean of the two stored models' SQL scores). Its out-of-fold predictions are the mean of its components'
  (SQL, ``int_response_cv_candidates``): every pair of the two grids is a candidate there.

Class imbalance: ``class_weight='balanced'`` by default for both (weights computed on each training fold).
Balanced weights leave ranking metrics (AUC, lift, hits) nearly unchanged but inflate probabilities, which
shows in log loss / Brier; pass ``class_weight=None`` to get calibrated probabilities instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from custseg.response.binning import QuantileBinner

LOGIT = "logit"
HGB = "hgb"
BLEND = "blend"

DEFAULT_LOGIT_GRID: tuple[dict[str, Any], ...] = tuple({"C": c} for c in (0.001, 0.01, 0.1, 1.0))
DEFAULT_HGB_GRID: tuple[dict[str, Any], ...] = (
    {"learning_rate": 0.05, "max_iter": 100, "max_leaf_nodes": 4, "min_samples_leaf": 80},
    {"learning_rate": 0.05, "max_iter": 150, "max_leaf_nodes": 7, "min_samples_leaf": 40},
)


def _imputer() -> SimpleImputer:
    # keep_empty_features: an all-null column stays (imputed with 0) so feature positions never shift
    return SimpleImputer(strategy="median", keep_empty_features=True)


def logit_pipeline(C: float = 1.0, class_weight: str | None = "balanced", random_state: int = 0) -> Pipeline:
    return Pipeline([
        ("impute", _imputer()),
        ("scale", StandardScaler()),
        ("model", LogisticRegression(C=C, class_weight=class_weight, solver="lbfgs", max_iter=5000,
                                     tol=1e-8, random_state=random_state)),
    ])


def hgb_pipeline(learning_rate: float = 0.05, max_iter: int = 150, max_leaf_nodes: int = 7,
                 min_samples_leaf: int = 40, l2_regularization: float = 1.0,
                 class_weight: str | None = "balanced", random_state: int = 0) -> Pipeline:
    return Pipeline([
        ("impute", _imputer()),
        ("bin", QuantileBinner(max_bins=255)),  # unweighted bins: see binning.py
        ("model", HistGradientBoostingClassifier(
            learning_rate=learning_rate, max_iter=max_iter, max_leaf_nodes=max_leaf_nodes,
            min_samples_leaf=min_samples_leaf, l2_regularization=l2_regularization,
            class_weight=class_weight, early_stopping=False, random_state=random_state)),
    ])


class BlendClassifier:
    """The mean of the ``predict_proba`` of its component models (fitted here, or given fitted)."""

    def __init__(self, components):
        self.components = list(components)

    def fit(self, X, y):
        self.components = [clone(c).fit(X, y) for c in self.components]
        return self

    def predict_proba(self, X):
        return np.mean([c.predict_proba(X) for c in self.components], axis=0)

    @property
    def classes_(self):
        return self.components[0].classes_


def blend_pipeline(logit: dict, hgb: dict, random_state: int = 0) -> BlendClassifier:
    return BlendClassifier([logit_pipeline(random_state=random_state, **logit),
                            hgb_pipeline(random_state=random_state, **hgb)])


_BUILDERS = {LOGIT: logit_pipeline, HGB: hgb_pipeline, BLEND: blend_pipeline}


@dataclass(frozen=True)
class Candidate:
    """One grid point of one model family."""

    name: str  # "logit" or "hgb"
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def params_json(self) -> str:
        return json.dumps(self.params, sort_keys=True)

    def components(self) -> list["Candidate"]:
        """The logistic and boosting candidates a blend averages (a plain candidate: itself)."""
        if self.name != BLEND:
            return [self]
        return [Candidate(LOGIT, self.params[LOGIT]), Candidate(HGB, self.params[HGB])]

    def build(self, random_state: int = 0) -> Pipeline:
        if self.name not in _BUILDERS:
            raise ValueError(f"unknown candidate {self.name!r}; expected one of {sorted(_BUILDERS)}")
        return _BUILDERS[self.name](random_state=random_state, **self.params)


def default_candidates(class_weight: str | None = "balanced",
                       logit_grid=DEFAULT_LOGIT_GRID, hgb_grid=DEFAULT_HGB_GRID) -> list[Candidate]:
    """The default search, simplest first (the one-standard-error rule prefers the earlier candidate): logistic
    regression by C ascending (the strongest L2 penalty first), then gradient boosting, smaller trees first.
    The blends of every pair follow, in SQL (``int_response_cv_candidates``)."""
    out = [Candidate(LOGIT, {**p, "class_weight": class_weight}) for p in logit_grid]
    out += [Candidate(HGB, {**p, "class_weight": class_weight}) for p in hgb_grid]
    return out
