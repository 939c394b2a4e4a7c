"""The check models' guard: the fit they score in Python must be the model published in its table."""

from __future__ import annotations

import pandas as pd


def assert_same_model(fitted: pd.DataFrame, stored: pd.DataFrame, key: list[str], table_name: str) -> None:
    """Raise unless ``stored`` (a published model table) holds exactly the numbers of ``fitted`` (the same
    table made from the fit in hand), rows matched by ``key``."""
    a = fitted.sort_values(key).reset_index(drop=True)
    b = stored.sort_values(key).reset_index(drop=True)
    numeric = [c for c in a.columns if c in b.columns and pd.api.types.is_float_dtype(a[c])]
    same = len(a) == len(b) and all(((a[c].isna() & b[c].isna()) | (a[c] == b[c])).all() for c in numeric)
    if not same:
        raise ValueError(f"table '{table_name}' is not the model this check fitted (a stale table or fit cache); "
                         f"rebuild it: dbt build --select {table_name}+")
