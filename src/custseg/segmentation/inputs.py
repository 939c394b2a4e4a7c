"""Reading and validating the input tables of the segmentation.

Every public entry point accepts a pandas DataFrame, a pyarrow Table or a pyarrow
RecordBatchReader (what ``relation.arrow()`` returns in duckdb 2.0) with an id column
(``customer_id`` by default, a string) and numeric feature columns. Errors name the
table and the column, so a failing dbt build says what is wrong with which input.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


class SegmentationInputError(ValueError):
    """An input table is empty, lacks a column, or has a non-numeric feature column."""


def to_pandas(data, table_name: str = "input") -> pd.DataFrame:
    """Return ``data`` as a pandas DataFrame (pandas, pyarrow Table or RecordBatchReader)."""
    if isinstance(data, pd.DataFrame):
        return data
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pa = None
    if pa is not None:
        if isinstance(data, pa.RecordBatchReader):
            data = data.read_all()
        if isinstance(data, (pa.Table, pa.RecordBatch)):
            return data.to_pandas()
    if hasattr(data, "df"):  # a DuckDB relation
        return data.df()
    raise SegmentationInputError(
        f"table '{table_name}': expected a pandas DataFrame or a pyarrow Table, got {type(data).__name__}")


def validate_frame(df: pd.DataFrame, features: Sequence[str], id_column: str = "customer_id",
                   table_name: str = "input") -> None:
    """Raise :class:`SegmentationInputError` naming the table and column that is wrong.

    Checks: the table has rows, has ``id_column`` and every feature column, ids are unique
    and not null, and every feature column is numeric (nulls are allowed: they are imputed).
    """
    if len(features) == 0:
        raise SegmentationInputError(f"table '{table_name}': the feature list is empty")
    dup = sorted({f for f in features if list(features).count(f) > 1})
    if dup:
        raise SegmentationInputError(f"table '{table_name}': feature(s) listed twice: {', '.join(dup)}")
    missing = [c for c in [id_column, *features] if c not in df.columns]
    if missing:
        raise SegmentationInputError(
            f"table '{table_name}' has no column(s) {', '.join(repr(c) for c in missing)}; "
            f"it has: {', '.join(map(str, df.columns))}")
    if len(df) == 0:
        raise SegmentationInputError(f"table '{table_name}' is empty: nothing to segment")
    ids = df[id_column]
    if ids.isna().any():
        raise SegmentationInputError(f"table '{table_name}': column '{id_column}' has null ids")
    if ids.duplicated().any():
        first = ids[ids.duplicated()].iloc[0]
        raise SegmentationInputError(
            f"table '{table_name}': column '{id_column}' has duplicate ids (e.g. {first!r})")
    for f in features:
        col = df[f]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            raise SegmentationInputError(
                f"table '{table_name}': feature column '{f}' is not numeric (dtype {col.dtype})")


def feature_matrix(df: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    """The raw feature values as a float64 (n, p) matrix, nulls as NaN."""
    return np.column_stack([pd.to_numeric(df[f], errors="coerce").astype("float64").to_numpy(
        dtype="float64", na_value=np.nan) for f in features]) if len(df) else np.empty((0, len(features)))
