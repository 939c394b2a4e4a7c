"""Per-feature transforms applied before the model (and recorded in the coefficient table for SQL).

- ``'none'``  the raw value.
- ``'log1p'`` ``ln(1 + max(x, 0))``, written as ``np.log(1 + x)`` (not ``np.log1p``) so that SQL's
  ``ln(1 + greatest(x, 0))`` gives the same bits. Null stays null (then imputed with the median).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

TRANSFORMS = ("none", "log1p")


def apply_transform(values, transform: str) -> np.ndarray:
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="raise").astype("float64").to_numpy(na_value=np.nan))
    if transform == "none":
        return x
    if transform == "log1p":
        with np.errstate(invalid="ignore"):
            return np.log(1.0 + np.maximum(x, 0.0))
    raise ValueError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")


def transform_frame(df: pd.DataFrame, features: Sequence[str], transforms: Mapping[str, str]) -> pd.DataFrame:
    """A copy of ``df`` with each listed feature replaced by its transformed value (others unchanged)."""
    out = df.copy()
    for f in features:
        t = transforms.get(f, "none")
        if t not in TRANSFORMS:
            raise ValueError(f"feature column {f!r}: unknown transform {t!r}; expected one of {TRANSFORMS}")
        if t != "none":
            if f not in out.columns:
                raise ValueError(f"feature column {f!r} not found")
            out[f] = apply_transform(out[f], t)
    return out
