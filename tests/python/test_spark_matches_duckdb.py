"""The same dbt project on Apache Spark builds the same tables as on DuckDB.

A small generated world is built twice, as a user runs it: ``make build`` (DuckDB, every model) and
``make build DBT_TARGET=spark`` (a local SparkSession, selector ``spark``: every seed, SQL model and dbt Python
model, Great Expectations' results included; the Python models run in dbt's SparkSession, custseg.spark_adapter;
the two builds are conftest's session fixtures ``spark_build`` and ``duckdb_build``, shared with test_spark_serving).
Every relation the Spark build made, seeds, views, the fits' model tables and everything scored from them
included, must equal DuckDB's row for row: the same columns in the same order, the same rows (sorted the same
way), text, integers (segment ids, deciles, ranks), decimals, dates and timestamps exactly, doubles within 1e-9.

Marked ``spark``: deselected by default (pyproject's addopts), run by ``make test-spark``, which installs
requirements/spark.txt first. There it fails, never skips, when pyspark or Java is missing.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

DOUBLE_TOLERANCE = 1e-9
SPARK_SCHEMA = "custseg"
FROM_FITS = {"segment_centroids", "customer_segments", "segment_profiles", "population_segment_comparison",
             "response_logit_coefficients", "response_tree_nodes", "response_model_metrics", "response_scores",
             "response_gains", "campaign_targets", "clv_model_parameters", "customer_clv", "clv_holdout_validation"}


def _spark_session(spark_dir: Path):
    """A SparkSession on the metastore and tables the Spark build wrote (its dbt process has ended)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in {
        "spark.master": "local[2]",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": str(spark_dir / "tables"),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=false",
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={spark_dir / 'derby-test.log'}",
    }.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _spark_rows(session, name: str) -> tuple[list[str], list[tuple]]:
    """Every row of a Spark relation; timestamps as UTC wall-clock times (timestamp_ntz), as DuckDB holds them."""
    frame = session.table(f"{SPARK_SCHEMA}.{name}")
    columns = [field.name for field in frame.schema.fields]
    selected = [f"cast(`{field.name}` as timestamp_ntz) as `{field.name}`"
                if field.dataType.typeName() == "timestamp" else f"`{field.name}`"
                for field in frame.schema.fields]
    rows = session.sql(f"select {', '.join(selected)} from {SPARK_SCHEMA}.{name}").collect()
    return columns, [tuple(row) for row in rows]


def _duckdb_rows(con, name: str) -> tuple[list[str], list[tuple]]:
    relation = con.sql(f'select * from "{name}"')
    return [column for column in relation.columns], relation.fetchall()


def _sort_key(row: tuple) -> tuple:
    """Exact values first, doubles (rounded) last, so a last-bit difference in a double never reorders rows."""
    exact, approximate = [], []
    for value in row:
        if isinstance(value, float):
            approximate.append((0, 0.0) if math.isnan(value) else (1, round(value, 6)))
        elif value is None:
            exact.append((0, ""))
        else:
            exact.append((1, repr(value) if not isinstance(value, (int, Decimal, date, datetime, str, bool))
                          else value))
    return tuple(exact) + tuple(approximate)


def _same(spark_value, duckdb_value) -> bool:
    if spark_value is None or duckdb_value is None:
        return spark_value is None and duckdb_value is None
    if isinstance(spark_value, float) or isinstance(duckdb_value, float):
        a, b = float(spark_value), float(duckdb_value)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=DOUBLE_TOLERANCE, abs_tol=DOUBLE_TOLERANCE)
    return spark_value == duckdb_value


def _differences(columns: list[str], spark_rows: list[tuple], duckdb_rows: list[tuple]) -> list[str]:
    if len(spark_rows) != len(duckdb_rows):
        return [f"{len(spark_rows)} rows on Spark, {len(duckdb_rows)} on DuckDB"]
    found = []
    for spark_row, duckdb_row in zip(sorted(spark_rows, key=_sort_key), sorted(duckdb_rows, key=_sort_key)):
        for column, spark_value, duckdb_value in zip(columns, spark_row, duckdb_row):
            if not _same(spark_value, duckdb_value):
                found.append(f"{column}: Spark {spark_value!r}, DuckDB {duckdb_value!r} (row {duckdb_row[:4]}...)")
                if len(found) >= 5:
                    return found
    return found


def _built_relations(results: list[dict], manifest: dict) -> tuple[set[str], set[str]]:
    """The models and seeds the Spark build made, and among them those a dbt Python model made or feeds."""
    nodes = manifest["nodes"]
    built = {r["unique_id"] for r in results if r["unique_id"].split(".")[0] in ("model", "seed")
             and nodes[r["unique_id"]]["config"].get("materialized") != "ephemeral"}
    fed = {key for key in built if nodes[key]["resource_type"] == "model" and nodes[key]["language"] == "python"}
    changed = True
    while changed:
        changed = False
        for key in built - fed:
            if set(nodes[key]["depends_on"].get("nodes", [])) & fed:
                fed.add(key)
                changed = True
    return {nodes[key]["alias"] for key in built}, {nodes[key]["alias"] for key in fed}


def test_spark_builds_every_model_as_duckdb_does(spark_build, duckdb_build):
    results = spark_build["results"]["results"]
    failed = [(r["unique_id"], r["status"]) for r in results if r["status"] not in ("success", "pass", "no-op")]
    assert not failed, f"nodes that did not succeed on Spark: {failed}"
    models = [r for r in results if r["unique_id"].startswith("model.")]
    tests = [r for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    print(f"\nSpark build: {len(models)} models, "
          f"{sum(r['unique_id'].startswith('seed.') for r in results)} seeds, {len(tests)} tests passed "
          f"in {spark_build['seconds']:.0f} s (make build on DuckDB, every model: {duckdb_build.seconds:.0f} s)")

    expected, from_fits = _built_relations(results, spark_build["manifest"])
    # The fits' model tables and what is scored from them in SQL are among the tables compared.
    assert FROM_FITS <= from_fits, f"not built from the fits on Spark: {sorted(FROM_FITS - from_fits)}"
    session = _spark_session(spark_build["spark_dir"])
    try:
        built = {row.tableName for row in session.sql(f"show tables in {SPARK_SCHEMA}").collect()
                 if not row.isTemporary}
        assert expected <= built, f"models missing on Spark: {sorted(expected - built)}"
        mismatches, rows_compared = {}, 0
        with duckdb.connect(str(duckdb_build.db), read_only=True) as con:
            for name in sorted(expected):
                spark_columns, spark_rows = _spark_rows(session, name)
                duckdb_columns, duckdb_rows = _duckdb_rows(con, name)
                if spark_columns != duckdb_columns:
                    mismatches[name] = [f"columns differ: Spark {spark_columns}, DuckDB {duckdb_columns}"]
                    continue
                found = _differences(duckdb_columns, spark_rows, duckdb_rows)
                if found:
                    mismatches[name] = found
                rows_compared += len(duckdb_rows)
    finally:
        session.stop()
    print(f"compared {len(expected)} relations ({len(from_fits)} made or fed by the dbt Python models), "
          f"{rows_compared} rows: {len(expected) - len(mismatches)} equal")
    assert not mismatches, "Spark differs from DuckDB:\n" + "\n".join(
        f"  {name}: " + "; ".join(found) for name, found in sorted(mismatches.items()))
