"""The serving copy that `make build` publishes: exactly the public tables, same rows, docs as comments,
and the Parquet exports."""

from __future__ import annotations

import duckdb
import pytest

from custseg.serving import public_tables

pytestmark = pytest.mark.slow


def test_serving_copy_holds_exactly_the_public_tables_with_the_built_rows(published_sample):
    public = {t.name: t for t in public_tables(published_sample.target_path / "manifest.json")}
    built = duckdb.connect(str(published_sample.db), read_only=True)
    serving = duckdb.connect(str(published_sample.serving_db), read_only=True)
    try:
        served = {name for (name,) in serving.execute("select table_name from duckdb_tables()").fetchall()}
        assert served == set(public)
        assert {"customer_rfm", "customer_features", "rejected_rows"} <= served
        assert not [name for name in served if name.startswith(("stg_", "int_"))]
        for name in sorted(public):
            rows = built.execute(f'select count(*) from "{name}"').fetchone()[0]
            assert serving.execute(f'select count(*) from "{name}"').fetchone()[0] == rows, name
            parquet = published_sample.parquet_dir / f"{name}.parquet"
            assert duckdb.sql(f"select count(*) from '{parquet}'").fetchall()[0][0] == rows, name
        # the docs travel with the data: a BI tool shows dbt's descriptions next to each table and field
        comments = dict(serving.execute("select table_name, comment from duckdb_tables()").fetchall())
        column_comments = {(t, c): comment for t, c, comment in serving.execute(
            "select table_name, column_name, comment from duckdb_columns() where not internal").fetchall()}
        for name, table in public.items():
            assert table.description and comments[name] == table.description, name
            for column, description in table.columns.items():
                if description and (name, column) in column_comments:
                    assert column_comments[(name, column)] == description, (name, column)
        described = sum(1 for comment in column_comments.values() if comment)
        assert described > 0.9 * len(column_comments)
    finally:
        built.close()
        serving.close()
