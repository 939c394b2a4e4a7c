"""End to end: two dbt builds of the same generated world give identical tables.

The first build runs without the fit cache (every model fits), the second with it (the check models load
the fits that the model tables' models wrote): the cache must not change a table.
"""

from __future__ import annotations

import duckdb
import pytest

from custseg.dbt_runner import run_dbt
from custseg.fit_cache import ENV_VAR as FIT_CACHE_ENV_VAR


def _tables(db_path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db_path), read_only=True)
    names = [r[0] for r in con.sql(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
        "order by table_name").fetchall()]
    out = {}
    for name in names:
        cols = [r[0] for r in con.sql(f"describe {name}").fetchall()]
        order = ", ".join(f'"{c}"' for c in cols)
        out[name] = con.sql(f'select * from "{name}" order by {order}').fetchall()
    con.close()
    return out


@pytest.mark.slow
def test_two_builds_give_identical_tables(small_world, tmp_path, monkeypatch):
    dbs = []
    for run, cache in (("first", ""), ("second", str(tmp_path / "fit_cache"))):
        monkeypatch.setenv(FIT_CACHE_ENV_VAR, cache)
        db = tmp_path / f"{run}.duckdb"
        run_dbt("build", dataset="sample", raw_data_dir=small_world, db_path=db, target_path=tmp_path / run)
        dbs.append(db)
    first, second = _tables(dbs[0]), _tables(dbs[1])
    assert "customer_rfm" in first and "customer_features" in first
    assert first.keys() == second.keys()
    assert list((tmp_path / "fit_cache").glob("*.pickle"))  # the second build did use the cache
    for name in first:
        assert first[name] == second[name], f"table {name} differs between two builds"
