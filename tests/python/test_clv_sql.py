"""Macro score_clv (SQL) against the Python reference (numpy, custseg.clv.bgnbd) on parameter regimes that
stress the hypergeometric series: the fitted CDNOW model, an edge fit (a -> 0, b large, as on Online Retail), the
fit of the 10M bench world (a and b -> 0: C = a + b - 1 next to the pole at -1 for customers without repeats),
a > 2 (terms that grow before they shrink), a + b < 1 (negative factors in the series), a ten-year horizon and
frequencies up to 300; and an empty parameters table (no rows)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from custseg.clv.models import PARAMETER_SCHEMA, customer_clv_python

pytestmark = pytest.mark.slow

REGIMES = {  # bg_nbd r, alpha, a, b; gamma_gamma p, q, v; time unit (days); horizon (days)
    "cdnow": ({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, {"p": 6.25, "q": 3.74, "v": 15.44}, 7, 365),
    "edge": ({"r": 0.739, "alpha": 61.95, "a": 1.01e-06, "b": 15474.2}, {"p": 3.37, "q": 3.11, "v": 258.2}, 1, 183),
    "large_a": ({"r": 0.5, "alpha": 10.0, "a": 3.5, "b": 1.2}, {"p": 2.0, "q": 0.8, "v": 50.0}, 1, 365),
    "small_ab": ({"r": 1.77, "alpha": 92.4, "a": 2.98e-05, "b": 0.0013}, {"p": 0.08, "q": 1.5e7, "v": 5.1e10}, 1, 365),
    "pole": ({"r": 0.35, "alpha": 40.0, "a": 2e-10, "b": 8e-09}, {"p": 3.37, "q": 3.11, "v": 258.2}, 1, 365),
    "ten_years": ({"r": 0.82, "alpha": 69.4, "a": 0.0036, "b": 7.16}, {"p": 2.26, "q": 3.41, "v": 437.5}, 1, 3650),
}


def _parameters(bg: dict | None, gg: dict | None, unit: float) -> pa.Table:
    rows = [{"model": model, "parameter": k, "value": v, "is_at_bound": False, "customers": 1,
             "customers_available": 1, "converged": True, "iterations": 1, "objective": 0.0, "penalizer": 0.0,
             "time_unit_days": float(unit), "as_of_date": None, "message": ""}
            for model, params in (("bg_nbd", bg), ("gamma_gamma", gg)) if params for k, v in params.items()]
    return pa.Table.from_pylist(rows, schema=PARAMETER_SCHEMA)


def _summary(n=4000, seed=11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t_days = rng.integers(1, 731, n)
    x = np.minimum(rng.negative_binomial(1, 0.08, n), t_days - 1)
    x[:5] = [0, 1, 300, 120, 0]
    t_days[:5] = [1, 2, 730, 365, 730]
    recency = np.where(x > 0, np.maximum(x, (rng.uniform(0.2, 1.0, n) * t_days).astype(int)), 0)
    recency = np.minimum(recency, t_days - 1)
    return pd.DataFrame({"customer_id": [f"c{i:05d}" for i in range(n)], "frequency_repeat": x.astype(int),
                         "recency_clv": recency.astype(int), "t_days": t_days.astype(int),
                         "monetary_value": np.where(x > 0, rng.gamma(2.0, 40.0, n), 0.0),
                         "as_of_date": pd.Timestamp("2026-01-01")})


@pytest.fixture(scope="module")
def sql_db(tmp_path_factory):
    import duckdb

    root = tmp_path_factory.mktemp("clv_sql")
    db = root / "clv.duckdb"
    summary = _summary()
    with duckdb.connect(str(db)) as con:
        con.register("summary_df", summary)
        con.execute("create table summary as select * from summary_df")
        for name, (bg, gg, unit, _) in REGIMES.items():
            con.register("p", _parameters(bg, gg, unit))
            con.execute(f"create table parameters_{name} as select * from p")
            con.unregister("p")
        con.register("p", _parameters(None, None, 1))
        con.execute("create table parameters_empty as select * from p")
    return {"db": db, "target": root / "target", "summary": summary}


def _compile_and_run(repo_root, sql_db, inline: str) -> pd.DataFrame:
    import duckdb

    from custseg.dbt_runner import dbt_env

    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run([str(dbt), "--quiet", "compile", "--inline", inline, "--output", "json"],
                          cwd=repo_root, env=dbt_env(sql_db["db"], sql_db["target"]), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    with duckdb.connect(str(sql_db["db"]), read_only=True) as con:
        return con.execute(json.loads(proc.stdout)["compiled"]).df()


def test_sql_scores_equal_python_in_every_regime(repo_root, sql_db):
    inline = " union all ".join(
        f"select '{name}' as regime, * from ({{{{ score_clv('summary', 'parameters_{name}', {horizon}) }}}}) as s_{name}"
        for name, (_, _, _, horizon) in [*REGIMES.items(), ("empty", (None, None, 1, 365))])
    scored = _compile_and_run(repo_root, sql_db, inline)
    assert (scored["regime"] == "empty").sum() == 0
    summary = sql_db["summary"]
    for name, (bg, gg, unit, horizon) in REGIMES.items():
        got = scored[scored["regime"] == name].set_index("customer_id").reindex(summary["customer_id"])
        assert got["p_alive"].notna().all(), name
        expected = customer_clv_python(summary, _parameters(bg, gg, unit),
                                       summary[["customer_id"]].assign(horizon_days=horizon)).set_index("customer_id")
        for column in ("p_alive", "expected_purchases", "expected_order_value"):
            want, have = expected[column].to_numpy(), got[column].to_numpy(dtype=float)
            assert np.array_equal(np.isnan(want), np.isnan(have)), (name, column)
            ok = ~np.isnan(want)
            if not ok.any():
                continue
            error = np.abs(have[ok] - want[ok]) / np.maximum(1, np.abs(want[ok]))
            assert error.max() <= 1e-9, (name, column, error.max())
    # q <= 1: the Gamma-Gamma population mean does not exist -> null order value
    assert scored.loc[scored["regime"] == "large_a", "expected_order_value"].isna().all()
    assert (scored.loc[scored["regime"] == "ten_years", "expected_purchases"] > 0).all()
