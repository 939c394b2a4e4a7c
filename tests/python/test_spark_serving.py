"""A Spark build publishes the same serving copy as the DuckDB build of the same world.

``make build DBT_TARGET=spark``'s on-run-end hook (``custsegspark__publish_serving_copy``) reads the public
tables from the Spark tables' Parquet files into ``warehouse/serving/sample.duckdb`` with the DuckDB publish's
code (custseg.serving.from_spark, custseg.serving.publish). That file must hold the same tables as the one the
DuckDB build published: the same names, the same columns with the same DuckDB types in the same order, the same
rows (doubles within 1e-9), with its Parquet folder and report beside it. The two builds are conftest's session
fixtures, shared with test_spark_matches_duckdb.py. Marked ``spark``: run by ``make test-spark``.
"""

from __future__ import annotations

import duckdb
import pytest

from test_spark_matches_duckdb import _differences

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _tables(con) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute("select table_name, column_name, data_type from duckdb_columns() "
                       "where database_name = current_database() order by table_name, column_index").fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def test_spark_build_publishes_the_duckdb_serving_copy(spark_build, duckdb_build):
    warehouse = spark_build["warehouse_dir"]
    serving_db = warehouse / "serving" / "sample.duckdb"
    assert serving_db.is_file(), f"no serving copy published by the Spark build:\n{spark_build['output'][-3000:]}"
    assert (warehouse / "serving" / "sample").is_dir() and (warehouse / "reports" / "sample.html").is_file()
    with duckdb.connect(str(serving_db), read_only=True) as spark_con, \
            duckdb.connect(str(duckdb_build.serving_db), read_only=True) as duck_con:
        spark_tables, duck_tables = _tables(spark_con), _tables(duck_con)
        assert sorted(spark_tables) == sorted(duck_tables)
        assert {t: c for t, c in spark_tables.items() if c != duck_tables[t]} == {}, "column types differ"
        mismatches, rows = {}, 0
        for table, columns in sorted(duck_tables.items()):
            names = [name for name, _ in columns]
            found = _differences(names, spark_con.execute(f'select * from "{table}"').fetchall(),
                                 duck_con.execute(f'select * from "{table}"').fetchall())
            if found:
                mismatches[table] = found
            rows += duck_con.execute(f'select count(*) from "{table}"').fetchone()[0]
        comments = "select count(*) from duckdb_columns() where comment is not null"
        assert spark_con.execute(comments).fetchone() == duck_con.execute(comments).fetchone()
    print(f"\nserving copy from Spark: {len(duck_tables)} tables, {rows} rows, equal to DuckDB's")
    assert not mismatches, "\n".join(f"{t}: {'; '.join(f)}" for t, f in sorted(mismatches.items()))
    parquet = sorted(p.name for p in (warehouse / "serving" / "sample").iterdir())
    assert parquet == sorted(p.name for p in duckdb_build.parquet_dir.iterdir())


def _records(frame) -> list[tuple]:
    """A pandas frame's rows, timestamps without their time zone (Spark's are UTC), missing values as None."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return [tuple(None if pd.isna(v) else (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v) for v in row)
            for row in frame.astype(object).itertuples(index=False)]


def test_quality_checks_sample_the_same_rows_on_both_engines(spark_build, duckdb_build):
    """Great Expectations validates the same sample of each table on Spark as on DuckDB (custseg.quality.runner:
    DuckDB's hash orders both), here with 1,000-row samples so that every table of the small world is sampled."""
    from custseg.quality.runner import read_sample
    from custseg.quality.suites import suites_for
    from test_spark_matches_duckdb import SPARK_SCHEMA, _spark_session

    session = _spark_session(spark_build["spark_dir"])
    compared, differ = [], {}
    try:
        with duckdb.connect(str(duckdb_build.db), read_only=True) as con:
            for kind in ("raw", "clean"):
                for table, checks in sorted(suites_for(kind).items()):
                    if not checks:
                        continue
                    spark_frame, spark_sampled = read_sample(session.table(f"{SPARK_SCHEMA}.{table}"), checks, 1000)
                    duck_frame, duck_sampled = read_sample(con.table(table), checks, 1000)
                    assert spark_sampled == duck_sampled, table
                    assert list(spark_frame.columns) == list(duck_frame.columns), table
                    found = _differences(list(duck_frame.columns), _records(spark_frame), _records(duck_frame))
                    if found:
                        differ[table] = found
                    compared.append(f"{table} ({len(duck_frame)}{' sampled' if duck_sampled else ''})")
    finally:
        session.stop()
    print(f"\nGE samples compared: {', '.join(compared)}")
    assert not differ, "\n".join(f"{t}: {'; '.join(f)}" for t, f in sorted(differ.items()))
