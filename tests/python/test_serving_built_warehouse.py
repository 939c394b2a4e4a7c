"""The serving copy that `make build` publishes: exactly the public tables, same rows, docs as comments,
and the Parquet exports (a public view of the build, order_lines, is a table in the serving copy)."""

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
        # every public model as a table, the public views of the build (order_lines) too: no view, so the
        # serving file is self-contained and a reader holding it open is unaffected by the next publish
        comments = dict(serving.execute("select table_name, comment from duckdb_tables()").fetchall())
        served = set(comments)
        assert served == set(public)
        assert "order_lines" in served and public["order_lines"].materialized == "view"
        assert serving.execute("select count(*) from duckdb_views() where not internal").fetchone()[0] == 0
        assert {"customer_rfm", "customer_features", "rejected_rows"} <= served
        assert not [name for name in served if name.startswith(("stg_", "int_"))]
        for name in sorted(public):
            rows = built.execute(f'select count(*) from "{name}"').fetchone()[0]
            assert serving.execute(f'select count(*) from "{name}"').fetchone()[0] == rows, name
            parquet = published_sample.parquet_dir / f"{name}.parquet"
            assert duckdb.sql(f"select count(*) from '{parquet}'").fetchall()[0][0] == rows, name
        # the docs travel with the data: a BI tool shows dbt's descriptions next to each table and field
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
