"""End to end: two dbt builds of the same generated world give identical tables.

The first build is conftest's published sample, ``make build`` into a new warehouse folder: no fit cache, so
every model fits (and writes the cache). The second is a plain ``dbt build`` of the same files into a new
database with a copy of that cache (every fit is loaded from it): the cache must not change a table.
(test_serving_hook compares another build without the cache with the first one's public tables.)
"""

from __future__ import annotations

import shutil

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
def test_two_builds_give_identical_tables(published_sample, tmp_path, monkeypatch):
    cache = tmp_path / "fit_cache"
    shutil.copytree(published_sample.warehouse_dir / "fit_cache", cache)
    assert list(cache.glob("*.pickle"))  # the first build fitted and wrote its fits
    monkeypatch.setenv(FIT_CACHE_ENV_VAR, str(cache))
    db = tmp_path / "second.duckdb"
    proc = run_dbt("build", dataset="sample", raw_data_dir=published_sample.raw_dir, db_path=db,
                   target_path=tmp_path / "second")
    assert "loaded from the fit cache" in proc.stdout  # the second build did use the cache
    assert "custseg: fit segments: started" not in proc.stdout
    first, second = _tables(published_sample.db), _tables(db)
    assert "customer_rfm" in first and "customer_features" in first and "customer_segments" in first
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"table {name} differs between two builds"
