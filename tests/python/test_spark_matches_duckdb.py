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

import json
import math
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from custseg.dbt_runner import run_dbt
from custseg.generate import corpus_exports

pytestmark = [pytest.mark.spark, pytest.mark.slow]

DOUBLE_TOLERANCE = 1e-9
SPARK_SCHEMA = "custseg"
FROM_FITS = {"segment_centroids", "customer_segments", "segment_profiles", "population_segment_comparison",
             "response_logit_coefficients", "response_tree_nodes", "response_model_metrics", "response_scores",
             "response_gains", "campaign_targets", "clv_model_parameters", "customer_clv", "clv_holdout_validation"}


def _online_retail_dir() -> Path:
    """The shared data folder holding online_retail/online_retail.csv.gz: never skipped when it is there, a
    failure when it is missing (the check is for Online Retail)."""
    from conftest import shared_data_dir

    folder = shared_data_dir()
    if not (folder / "online_retail" / "online_retail.csv.gz").is_file():
        pytest.fail(f"{folder}/online_retail/online_retail.csv.gz not found: set CUSTSEG_SHARED_DATA to the folder "
                    "of the public data sets (docs/spark.md)")
    return folder


@pytest.fixture(scope="module")
def online_retail_duckdb(request):
    """The DuckDB build of the public file, every model: conftest's ``full_build``, made once per test run for
    these tests and the DuckDB tests of Online Retail; its database and time. (A failure, not full_build's skip,
    when the file is missing.)"""
    _online_retail_dir()
    full_build = request.getfixturevalue("full_build")
    db = full_build("online_retail")
    return {"db": db, "seconds": full_build.seconds["online_retail"]}


@pytest.fixture(scope="module")
def online_retail_spark(repo_root, tmp_path_factory):
    """``make build DATASET=online_retail DBT_TARGET=spark`` of the public file."""
    from conftest import make_spark_build

    return make_spark_build(repo_root, "online_retail", _online_retail_dir(),
                            tmp_path_factory.mktemp("online_retail_spark"))


def spark_target_parameters(spark_dir: Path) -> dict[str, str]:
    """The Spark settings of profiles.yml's spark target (server_side_parameters), rendered by dbt's own profile
    renderer for a build whose CUSTSEG_SPARK_DIR is ``spark_dir``: the same metastore, tables, time zone and JVM
    options as that build's session."""
    import os

    import yaml
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    from custseg.dbt_runner import PROJECT_DIR

    set_invocation_context({**os.environ, "CUSTSEG_SPARK_DIR": str(spark_dir)})  # what dbt's env_var() reads
    target = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())["custseg"]["outputs"]["spark"]
    return ProfileRenderer({}).render_data(target)["server_side_parameters"]


def _spark_session(spark_dir: Path):
    """A SparkSession on the metastore and tables the Spark build wrote (its dbt process has ended), with the
    spark target's settings."""
    from custseg.spark_adapter import spark_session

    session = spark_session(spark_target_parameters(spark_dir))
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


# Relations of more rows than this are compared inside DuckDB, which reads the Spark table's Parquet files
# (collecting a million rows through py4j and sorting them in Python takes minutes); the same rule.
LARGE_RELATION_ROWS = 50_000


def _differences_in_duckdb(con, parquet_glob: str, name: str) -> list[str] | None:
    """The differences between DuckDB's relation and the Spark table's Parquet files, compared as _differences
    does (both sorted by the exact columns, then the doubles rounded to 6 places; doubles within 1e-9, the rest
    exact); None when DuckDB reads other columns from the files (the caller compares through Spark)."""
    described = con.sql(f'describe select * from "{name}"').fetchall()
    columns = [row[0] for row in described]
    spark_columns = [row[0] for row in con.sql(f"describe select * from read_parquet('{parquet_glob}')").fetchall()]
    if spark_columns != columns:
        return None
    doubles = [row[0] for row in described if row[1] in ("DOUBLE", "FLOAT")]
    exact = [column for column in columns if column not in doubles]
    order = ", ".join([f'"{c}" nulls first' for c in exact] + [f'round("{c}", 6) nulls first' for c in doubles])
    sides = {"d": f'select * from "{name}"', "s": f"select * from read_parquet('{parquet_glob}')"}
    numbered = {key: f"select *, row_number() over (order by {order}) as _rn from ({sql})" for key, sql in sides.items()}
    checks = [f'd."{c}" is distinct from s."{c}"' for c in exact] + [
        f'not ((d."{c}" is null and s."{c}" is null) or d."{c}" = s."{c}" or abs(d."{c}" - s."{c}") <= '
        f'greatest({DOUBLE_TOLERANCE} * greatest(abs(d."{c}"), abs(s."{c}")), {DOUBLE_TOLERANCE}))' for c in doubles]
    counts = con.sql(f"select (select count(*) from ({sides['d']})), (select count(*) from ({sides['s']}))").fetchall()[0]
    if counts[0] != counts[1]:
        return [f"{counts[1]} rows on Spark, {counts[0]} on DuckDB"]
    joined = f"from ({numbered['d']}) as d join ({numbered['s']}) as s using (_rn)"
    if con.sql(f"select count(*) {joined} where {' or '.join(checks)}").fetchall()[0][0] == 0:
        return []
    found = []
    for column, check in zip(exact + doubles, checks):
        bad = con.sql(f"select d._rn, cast(s.\"{column}\" as varchar), cast(d.\"{column}\" as varchar) "
                      f"{joined} where {check} limit 1").fetchall()
        if bad:
            found.append(f"{column}: Spark {bad[0][1]!r}, DuckDB {bad[0][2]!r} (sorted row {bad[0][0]})")
            if len(found) >= 5:
                break
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


def _assert_spark_equals_duckdb(spark_build: dict, duckdb_db: Path, duckdb_seconds: float,
                                from_fits: set[str] = FROM_FITS, then=None) -> tuple[int, int, object]:
    """Every node of the Spark build passed, and every relation it made equals DuckDB's; returns (relations,
    rows) compared and what ``then(session)`` returns, called with the same SparkSession (starting one takes
    tens of seconds)."""
    results = spark_build["results"]["results"]
    failed = [(r["unique_id"], r["status"]) for r in results if r["status"] not in ("success", "pass", "no-op")]
    assert not failed, f"nodes that did not succeed on Spark: {failed}"
    models = [r for r in results if r["unique_id"].startswith("model.")]
    tests = [r for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    print(f"\nSpark build: {len(models)} models, "
          f"{sum(r['unique_id'].startswith('seed.') for r in results)} seeds, {len(tests)} tests passed "
          f"in {spark_build['seconds']:.0f} s (the DuckDB build, every model: {duckdb_seconds:.0f} s)")

    expected, fed = _built_relations(results, spark_build["manifest"])
    # The fits' model tables and what is scored from them in SQL are among the tables compared.
    assert from_fits <= fed, f"not built from the fits on Spark: {sorted(from_fits - fed)}"
    session = _spark_session(spark_build["spark_dir"])
    try:
        built = {row.tableName for row in session.sql(f"show tables in {SPARK_SCHEMA}").collect()
                 if not row.isTemporary}
        assert expected <= built, f"models missing on Spark: {sorted(expected - built)}"
        mismatches, rows_compared = {}, 0
        with duckdb.connect(str(duckdb_db), read_only=True) as con:
            for name in sorted(expected):
                table_dir = spark_build["spark_dir"] / "tables" / f"{SPARK_SCHEMA}.db" / name
                duckdb_count = con.sql(f'select count(*) from "{name}"').fetchall()[0][0]
                if duckdb_count > LARGE_RELATION_ROWS and any(table_dir.glob("*.parquet")):
                    found = _differences_in_duckdb(con, str(table_dir / "*.parquet"), name)
                    if found is not None:
                        if found:
                            mismatches[name] = found
                        rows_compared += duckdb_count
                        continue
                spark_columns, spark_rows = _spark_rows(session, name)
                duckdb_columns, duckdb_rows = _duckdb_rows(con, name)
                if spark_columns != duckdb_columns:
                    mismatches[name] = [f"columns differ: Spark {spark_columns}, DuckDB {duckdb_columns}"]
                    continue
                found = _differences(duckdb_columns, spark_rows, duckdb_rows)
                if found:
                    mismatches[name] = found
                rows_compared += len(duckdb_rows)
        after = then(session) if then is not None else None
    finally:
        session.stop()
    print(f"compared {len(expected)} relations ({len(fed)} made or fed by the dbt Python models), "
          f"{rows_compared} rows: {len(expected) - len(mismatches)} equal")
    assert not mismatches, "Spark differs from DuckDB:\n" + "\n".join(
        f"  {name}: " + "; ".join(found) for name, found in sorted(mismatches.items()))
    return len(expected), rows_compared, after


def test_spark_builds_every_model_as_duckdb_does(spark_build, duckdb_build):
    _assert_spark_equals_duckdb(spark_build, duckdb_build.db, duckdb_build.seconds)


# Online Retail has no responses: the response tables are built empty, the segments and CLV from the fits.
ONLINE_RETAIL_FROM_FITS = {"segment_centroids", "customer_segments", "segment_profiles", "clv_model_parameters",
                           "customer_clv", "clv_holdout_validation"}


def test_online_retail_csv_on_spark_equals_duckdb(online_retail_spark, online_retail_duckdb):
    """The CSV reader on Spark (macros/portable/raw_csv.sql): every table of the public file equal to DuckDB's,
    the staged lines with their file and line numbers and the quarantine included, and every raw line reconciles."""
    def staged_and_rejected(session):
        staged = session.sql(f"select count(*) as n from {SPARK_SCHEMA}.stg_online_retail__order_lines").first().n
        rejected = {(r.source_file, r.source_row) for r in session.sql(
            f"select source_file, source_row from {SPARK_SCHEMA}.rejected_rows where entity = 'order_lines'").collect()}
        unaccounted = session.sql(
            f"select sum(raw_rows) as raw, sum(abs(unaccounted_rows)) as lost from {SPARK_SCHEMA}.source_reconciliation "
            "where entity = 'order_lines'").first()
        return staged, rejected, unaccounted

    relations, rows, (staged, rejected, unaccounted) = _assert_spark_equals_duckdb(
        online_retail_spark, online_retail_duckdb["db"], online_retail_duckdb["seconds"], ONLINE_RETAIL_FROM_FITS,
        then=staged_and_rejected)
    # 541,909 data lines in the public file, each staged once; what is rejected and the reconciliation are among
    # the relations compared above, equal to DuckDB's.
    assert staged == 541_909
    assert unaccounted.raw == staged and unaccounted.lost == 0, unaccounted
    assert all(row > 0 for _, row in rejected)
    print(f"Online Retail: {relations} relations, {rows} rows equal; {len(rejected)} lines rejected")


# A user's export through a mapping: what DATASET=user builds up to the features (the fits need more than four
# lines), with every data test of those models.
USER_SELECT = ["--select", "+rejected_rows", "+source_reconciliation", "+int_feature_snapshots",
               "tests/sources/reconcile_order_lines.sql", "--indirect-selection", "cautious"]


def _user_build(raw: Path, root: Path, mapping: dict) -> dict:
    started = time.monotonic()
    run_dbt("build", dataset="user", raw_data_dir=raw, db_path=root / "user.duckdb", target_path=root / "target",
            extra_vars={"user_mapping": mapping}, args=USER_SELECT)
    return {"spark_dir": root / "spark", "seconds": time.monotonic() - started,
            "results": json.loads((root / "target" / "run_results.json").read_text()),
            "manifest": json.loads((root / "target" / "manifest.json").read_text())}


def test_user_export_on_spark_equals_duckdb(tmp_path, monkeypatch):
    """The transactions reader on Spark for a user's mapping (macros/staging/user_mapping.sql): a German ERP export
    (';', decimal comma, thousands dot, '2,55 €', a trailing minus, dd.mm.yyyy dates, a byte-order mark, a price
    that is not a number of that format) stages, cleans, quarantines and reconciles as on DuckDB."""
    from conftest import _require_spark

    _require_spark()
    case = corpus_exports.german_erp_corpus()
    raw = tmp_path / "raw"
    for name, data in case.files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    duckdb_build = _user_build(raw, tmp_path / "duckdb", case.mapping)
    monkeypatch.setenv("CUSTSEG_TARGET", "spark")
    monkeypatch.setenv("CUSTSEG_SPARK_DIR", str(tmp_path / "spark" / "spark"))
    spark_build = _user_build(raw, tmp_path / "spark", case.mapping)
    spark_build["spark_dir"] = tmp_path / "spark" / "spark"
    relations, rows, _ = _assert_spark_equals_duckdb(spark_build, tmp_path / "duckdb" / "user.duckdb",
                                                     duckdb_build["seconds"], from_fits=set())
    with duckdb.connect(str(tmp_path / "duckdb" / "user.duckdb"), read_only=True) as con:
        clean = con.execute("select count(*) from order_lines").fetchone()[0]
        rejected = con.execute("select reject_reason from rejected_rows where entity = 'order_lines'").fetchall()
    assert (clean, rejected) == (len(case.expected_lines), [("invalid_unit_price",)])
    assert relations >= 10 and rows > 0
