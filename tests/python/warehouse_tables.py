"""What a warehouse file holds, for tests that a failed build changed nothing."""

from __future__ import annotations

import duckdb


def table_contents(db) -> dict[str, tuple]:
    """Every table of ``db`` with its row count and a hash of all its rows: equal means unchanged."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [name for name, in con.execute(
            "select table_name from duckdb_tables() order by table_name").fetchall()]
        return {name: con.execute(f'select count(*), sum(hash(t)) from "{name}" as t').fetchone()
                for name in names}
