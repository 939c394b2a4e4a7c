"""Validate a customer table into the arrays the response model needs.

Input: a pandas DataFrame or a pyarrow Table (or anything with ``to_pandas()`` / ``.df()``) with

- an id column (``customer_id`` by default), cast to string, unique and never null;
- numeric feature columns (nulls allowed: they are imputed with the training median inside the pipeline);
- a label column holding only 0, 1 or null. Null means "not labeled": the customer is scored but neither
  trained on nor evaluated.

Rows are sorted by customer_id so that every later step (fold assignment, ties) is independent of the
order in which the warehouse happened to return the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd


class ResponseInputError(ValueError):
    """The input table cannot be used: the message names the offending column."""


@dataclass(frozen=True)
class ResponseData:
    customer_id: np.ndarray  # object array of str, sorted ascending
    X: np.ndarray  # float64 (n, p), NaN for missing values
    feature_names: tuple[str, ...]
    label: np.ndarray  # float64 (n,), 0.0 / 1.0 / NaN (unlabeled)

    @property
    def n(self) -> int:
        return len(self.customer_id)

    @property
    def labeled(self) -> np.ndarray:
        return ~np.isnan(self.label)

    @property
    def X_labeled(self) -> np.ndarray:
        return self.X[self.labeled]

    @property
    def y_labeled(self) -> np.ndarray:
        return self.label[self.labeled].astype(np.int64)

    @property
    def ids_labeled(self) -> np.ndarray:
        return self.customer_id[self.labeled]


def to_pandas(data: Any) -> pd.DataFrame:
    """Accept pandas, pyarrow (Table / RecordBatchReader) or a DuckDB relation."""
    if isinstance(data, pd.DataFrame):
        return data
    if hasattr(data, "read_all"):  # pyarrow RecordBatchReader
        data = data.read_all()
    if hasattr(data, "to_pandas"):
        return data.to_pandas()
    if hasattr(data, "df"):  # DuckDB relation
        return data.df()
    raise ResponseInputError(f"expected a pandas DataFrame or a pyarrow Table, got {type(data).__name__}")


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)


def _label_array(series: pd.Series, label_col: str) -> np.ndarray:
    values = series.astype(object).where(series.notna(), None)
    out = np.full(len(series), np.nan)
    bad: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = float(v)
            continue
        if isinstance(v, (int, float, np.integer, np.floating)) and float(v) in (0.0, 1.0):
            out[i] = float(v)
            continue
        if isinstance(v, float) and np.isnan(v):
            continue
        if len(bad) < 5 and repr(v) not in bad:
            bad.append(repr(v))
    if bad:
        raise ResponseInputError(
            f"label column {label_col!r} must hold only 0, 1 or null; found other values such as {', '.join(bad)}"
        )
    return out


def prepare_response_data(
    data: Any,
    label_col: str = "label",
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> ResponseData:
    """Validate ``data`` and return it as sorted arrays.

    ``feature_cols=None`` takes every numeric (or boolean) column except the id, the label and ``exclude``,
    in the table's column order. Errors name the column: a missing id/label/feature column, a non-numeric
    feature, a label with values other than 0/1/null, a null or duplicated customer id.
    """
    df = to_pandas(data)
    columns = list(df.columns)
    for role, col in (("id", id_col), ("label", label_col)):
        if col not in df.columns:
            raise ResponseInputError(f"{role} column {col!r} not found; the input has columns {columns}")
    if feature_cols is None:
        skip = {id_col, label_col, *exclude}
        feature_cols = [c for c in columns if c not in skip and _is_numeric(df[c])]
        if not feature_cols:
            raise ResponseInputError(f"no numeric feature columns found besides {id_col!r} and {label_col!r}")
    else:
        feature_cols = list(feature_cols)
        if not feature_cols:
            raise ResponseInputError("feature_cols is empty")
        for col in feature_cols:
            if col not in df.columns:
                raise ResponseInputError(f"feature column {col!r} not found; the input has columns {columns}")
            if col in (id_col, label_col):
                raise ResponseInputError(f"feature column {col!r} is also the id or the label column")
            if not _is_numeric(df[col]):
                raise ResponseInputError(f"feature column {col!r} is not numeric (dtype {df[col].dtype})")
        if len(set(feature_cols)) != len(feature_cols):
            dupes = sorted({c for c in feature_cols if feature_cols.count(c) > 1})
            raise ResponseInputError(f"feature columns listed twice: {dupes}")

    ids = df[id_col]
    if ids.isna().any():
        raise ResponseInputError(f"id column {id_col!r} has {int(ids.isna().sum())} null value(s)")
    ids = ids.astype(str).to_numpy(dtype=object)
    label = _label_array(df[label_col], label_col)
    X = np.column_stack([pd.to_numeric(df[c], errors="raise").astype("float64").to_numpy(na_value=np.nan)
                         if not pd.api.types.is_bool_dtype(df[c])
                         else df[c].astype("float64").to_numpy(na_value=np.nan)
                         for c in feature_cols]) if len(df) else np.empty((0, len(feature_cols)))
    if np.isinf(X).any():
        col = feature_cols[int(np.where(np.isinf(X).any(axis=0))[0][0])]
        raise ResponseInputError(f"feature column {col!r} has infinite values")

    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
        dup = ids[1:][ids[1:] == ids[:-1]][0]
        raise ResponseInputError(f"id column {id_col!r} has duplicate values, e.g. {dup!r}")
    return ResponseData(customer_id=ids, X=X[order], feature_names=tuple(feature_cols), label=label[order])
