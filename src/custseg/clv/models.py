"""What the CLV dbt Python models call: one function per model, one table each.

- :func:`clv_model_parameters`  a CLV summary table (``customer_rfm``, or the calibration period's
  ``int_clv_calibration_summary``) -> the fitted BG/NBD and Gamma-Gamma models as data: one row per model and
  parameter, with the fit's sample size, convergence and settings. ``customer_clv`` (SQL, macro ``score_clv``)
  scores every customer from it.
- :func:`customer_clv_python`   the check: p(alive), expected purchases (bgnbd.euler_series_tail) and expected order
  value of every customer from the stored parameters, which a data test compares with the SQL of ``customer_clv``.

Inputs are pyarrow Tables or pandas DataFrames (:func:`custseg.dbt_io.to_arrow` of a ``dbt.ref``) with the CLV
summary columns of ``customer_rfm``: customer_id, frequency_repeat, recency_clv, t_days (days), monetary_value and
as_of_date. Rows whose frequency_repeat is null (data sets without order lines) are not used; with none left the
tables are empty, with the same columns.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from custseg.clv import bgnbd, gamma_gamma
from custseg.clv.settings import resolve_settings
from custseg.fit_cache import fit_key, memoized

SUMMARY_COLUMNS = ("customer_id", "frequency_repeat", "recency_clv", "t_days", "monetary_value", "as_of_date")
PARAMETER_SCHEMA = pa.schema([
    ("model", pa.string()), ("parameter", pa.string()), ("value", pa.float64()), ("is_at_bound", pa.bool_()),
    ("customers", pa.int64()), ("customers_available", pa.int64()), ("converged", pa.bool_()),
    ("iterations", pa.int64()), ("objective", pa.float64()), ("penalizer", pa.float64()),
    ("time_unit_days", pa.float64()), ("as_of_date", pa.date32()), ("message", pa.string()),
])
CHECK_DTYPES = {"customer_id": "object", "p_alive": "float64", "expected_purchases": "float64",
                "expected_order_value": "float64"}


def _empty(dtypes: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})


def _frame(data) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else data.to_pandas()


def summary_frame(summary, table_name: str = "customer_rfm") -> pd.DataFrame:
    """The usable rows of a CLV summary, sorted by customer_id; raises naming the column that is wrong."""
    df = _frame(summary)
    missing = [c for c in SUMMARY_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{table_name} has no column(s) {missing} (the CLV summary columns of customer_rfm)")
    df = df.loc[df["frequency_repeat"].notna(), list(SUMMARY_COLUMNS)].copy()
    for column in ("recency_clv", "t_days", "monetary_value"):
        if df[column].isna().any():
            raise ValueError(f"{table_name}.{column} is null for customer "
                             f"{df.loc[df[column].isna(), 'customer_id'].iloc[0]!r} whose frequency_repeat is not")
    if df["customer_id"].duplicated().any():
        raise ValueError(f"{table_name}.customer_id is not unique: {df.loc[df['customer_id'].duplicated(), 'customer_id'].iloc[0]!r}")
    df["customer_id"] = df["customer_id"].astype(str)
    return df.sort_values("customer_id", kind="stable").reset_index(drop=True)


def fit_sample(df: pd.DataFrame, size: int | None, random_state: int) -> pd.DataFrame:
    """At most ``size`` rows: a fixed random sample of the rows sorted by customer_id (all when fewer)."""
    if size is None or len(df) <= size:
        return df
    rows = np.sort(np.random.default_rng(random_state).choice(len(df), size=size, replace=False))
    return df.iloc[rows].reset_index(drop=True)


def _rows(model: str, fit: bgnbd.Fit, available: int, penalizer: float, settings: dict, as_of) -> list[dict]:
    return [{"model": model, "parameter": name, "value": value, "is_at_bound": name in fit.at_bound,
             "customers": fit.customers, "customers_available": available, "converged": fit.converged,
             "iterations": fit.iterations, "objective": fit.negative_log_likelihood, "penalizer": float(penalizer),
             "time_unit_days": settings["time_unit_days"], "as_of_date": as_of, "message": fit.message}
            for name, value in fit.params.items()]


def clv_model_parameters(summary, overrides: Mapping | str | None = None,
                         table_name: str = "customer_rfm") -> pa.Table:
    """BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, v) fitted on the summary, one row per parameter
    (memoized on disk, :mod:`custseg.fit_cache`: a build whose summary did not change loads the fit)."""
    settings = resolve_settings(overrides)
    df = summary_frame(summary, table_name)
    if len(df) == 0:
        return PARAMETER_SCHEMA.empty_table()
    return memoized("clv", fit_key("clv", [df], settings), lambda: _fit_parameters(df, settings))


def _fit_parameters(df: pd.DataFrame, settings: dict) -> pa.Table:
    sample = fit_sample(df, settings["fit_sample_size"], settings["random_state"])
    unit = settings["time_unit_days"]
    as_of = pd.Timestamp(df["as_of_date"].max()).date()
    purchases = bgnbd.fit(sample["frequency_repeat"], sample["recency_clv"] / unit, sample["t_days"] / unit,
                          penalizer=settings["penalizer"])
    rows = _rows("bg_nbd", purchases, len(df), settings["penalizer"], settings, as_of)
    repeat = sample[(sample["frequency_repeat"] > 0) & (sample["monetary_value"] > 0)]
    if len(repeat) > 0:
        spend = gamma_gamma.fit(repeat["frequency_repeat"], repeat["monetary_value"],
                                penalizer=settings["gamma_gamma_penalizer"])
        available = int(((df["frequency_repeat"] > 0) & (df["monetary_value"] > 0)).sum())
        rows += _rows("gamma_gamma", spend, available, settings["gamma_gamma_penalizer"], settings, as_of)
    return pa.Table.from_pylist(rows, schema=PARAMETER_SCHEMA)


def parameters_by_model(parameters) -> dict[str, dict[str, float]]:
    """``{'bg_nbd': {'r': ..}, 'gamma_gamma': {...}, 'time_unit_days': ..}`` from a clv_model_parameters table."""
    df = _frame(parameters)
    out: dict = {model: dict(zip(rows["parameter"], rows["value"].astype(float)))
                 for model, rows in df.groupby("model")}
    out["time_unit_days"] = float(df["time_unit_days"].iloc[0]) if len(df) else None
    return out


def customer_clv_python(summary, parameters, horizons) -> pd.DataFrame:
    """Every scored customer of ``horizons`` (customer_id, horizon_days: customer_clv's rows) from the summary and
    the stored parameters, computed with numpy (custseg.clv.bgnbd): the reference for the SQL of macro ``score_clv``."""
    df = summary_frame(summary)
    params = parameters_by_model(parameters)
    scored = _frame(horizons)[["customer_id", "horizon_days"]].astype({"customer_id": str})
    df = df.merge(scored, on="customer_id", how="inner")
    if len(df) == 0 or "bg_nbd" not in params:
        return _empty(CHECK_DTYPES)
    unit = params["time_unit_days"]
    x, t_x, T = df["frequency_repeat"].to_numpy(float), df["recency_clv"] / unit, df["t_days"] / unit
    purchases = params["bg_nbd"]
    out = pd.DataFrame({
        "customer_id": df["customer_id"].astype(object),
        "p_alive": bgnbd.probability_alive(purchases, x, t_x, T),
        "expected_purchases": bgnbd.expected_purchases(purchases, df["horizon_days"] / unit, x, t_x, T),
        "expected_order_value": (gamma_gamma.expected_order_value(params["gamma_gamma"], x, df["monetary_value"])
                                 if "gamma_gamma" in params else np.nan),
    })
    return out.astype(CHECK_DTYPES)
