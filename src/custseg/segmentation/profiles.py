"""Segment profiles: size, share and the mean of every feature in raw units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def profile_columns(features: Sequence[str]) -> list[str]:
    return ["segment_id", "segment_name", "customers", "share", *[f"mean_{f}" for f in features]]


def build_profiles(raw: np.ndarray, segment_ids: np.ndarray, features: Sequence[str],
                   segment_names: Mapping[int, str]) -> pd.DataFrame:
    """One row per segment (every segment of ``segment_names``, in segment_id order).

    ``customers`` is the number of rows assigned, ``share`` = customers / all rows, and
    ``mean_<feature>`` the mean of the raw (untransformed) values of the segment's rows,
    ignoring nulls (null when the segment has no value). Revenue share and response rate
    are added later in SQL.
    """
    ids = sorted(int(s) for s in segment_names)
    n = len(segment_ids)
    rows = []
    for s in ids:
        mask = segment_ids == s
        count = int(mask.sum())
        with np.errstate(all="ignore"):
            means = [float(np.nanmean(raw[mask, j])) if count and np.isfinite(raw[mask, j]).any() else np.nan
                     for j in range(len(features))]
        rows.append([s, segment_names[s], count, count / n if n else np.nan, *means])
    table = pd.DataFrame(rows, columns=profile_columns(features))
    dtypes = {"segment_id": "int64", "segment_name": "string", "customers": "int64", "share": "float64"}
    dtypes.update({f"mean_{f}": "float64" for f in features})
    return table.astype(dtypes)
