"""The serving copy of a Spark build: the same DuckDB file, Parquet folder and report as a DuckDB build
publishes (:mod:`custseg.serving.publish`), filled from the Parquet files of the Spark tables.

A Spark build's on-run-end hook (``spark__publish_serving_copy`` in ``macros/serving/publish_serving_copy.sql``)
calls this through the adapter (``custsegspark``'s ``custseg_publish_from_spark``), after the same checks as on
DuckDB (a build that did not fully succeed publishes nothing). The warehouse folder is the parent of
``CUSTSEG_SPARK_DIR`` (``warehouse/spark`` -> ``warehouse/serving/<dataset>.duckdb``, ``warehouse/reports/``).

1. :func:`custseg.serving.publish.begin` names the new serving file;
2. here, an in-memory DuckDB attaches it (the serving storage version) and creates each public table as
   ``select <columns cast> from read_parquet(<the table's folder>/*.parquet)``, each column cast to its declared
   ``data_type`` (YAML) where the engines' types differ, else to the DuckDB type of its Spark type,
   with dbt's descriptions as comments. A public *view* on Spark has no files: Spark writes its rows to a
   Parquet folder beside the new file first;
3. :func:`custseg.serving.publish.finish` exports the Parquet folder, renders the report, swaps the copy in.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from custseg.serving import publish

# Spark SQL type names -> DuckDB's, as the DuckDB build declares the same columns.
_SIMPLE = {"string": "VARCHAR", "int": "INTEGER", "integer": "INTEGER", "bigint": "BIGINT", "smallint": "SMALLINT",
           "tinyint": "TINYINT", "double": "DOUBLE", "float": "FLOAT", "boolean": "BOOLEAN", "date": "DATE",
           "timestamp": "TIMESTAMP", "timestamp_ntz": "TIMESTAMP"}


def duckdb_type(spark_type: str) -> str:
    """The DuckDB type of a column of Spark type ``spark_type`` (its ``simpleString``)."""
    name = spark_type.strip().lower()
    if name in _SIMPLE:
        return _SIMPLE[name]
    match = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", name)
    if match:
        return f"DECIMAL({match.group(1)}, {match.group(2)})"
    if name.startswith("varchar") or name.startswith("char"):
        return "VARCHAR"
    raise ValueError(f"no DuckDB type for Spark type {spark_type!r}")


def _location(spark, qualified: str) -> tuple[str, str | None]:
    """The table type (MANAGED, EXTERNAL, VIEW) and the Parquet folder of a Spark relation."""
    info = {row[0]: row[1] for row in spark.sql(f"describe table extended {qualified}").collect()}
    location = info.get("Location")
    if location and location.startswith("file:"):
        location = re.sub(r"^file:(//)?", "", location)
    return (info.get("Type") or "").upper(), location


def publish_from_spark(spark, tables: list[dict[str, Any]], spark_dir: Path | str, dataset: str,
                       storage_version: str = "v1.0.0") -> dict[str, Any]:
    """Publish ``tables`` (``{"schema", "name", "description", "columns": [{"name", "description",
    "data_type"}]}``, the public models; a column's declared ``data_type``, if any, is its type in the copy)
    from the Spark build under ``spark_dir``, in DuckDB storage format ``storage_version`` (the hook's var
    ``serving_storage_version``); returns :func:`custseg.serving.publish.summary`."""
    db_path = Path(spark_dir).resolve().parent / f"{dataset}.spark"  # only its folder matters (ServingPaths.of)
    new_db = publish.begin(db_path, dataset)
    staged = new_db.with_name(new_db.name + ".views")  # a view's rows, written by Spark
    try:
        with duckdb.connect() as con:
            con.execute("set TimeZone = 'UTC'")  # Spark writes timestamps as UTC instants
            con.execute(f"set memory_limit = {publish._literal(publish._memory_limit())}")
            con.execute(f"attach {publish._literal(str(new_db))} as serving (storage_version "
                        f"{publish._literal(storage_version)})")
            statements = []
            for table in tables:
                qualified = f"`{table['schema']}`.`{table['name']}`"
                kind, location = _location(spark, qualified)
                if kind == "VIEW" or not location:
                    location = str(staged / table["name"])
                    spark.table(qualified).write.mode("overwrite").parquet(location)
                fields = spark.table(qualified).schema.fields
                declared = {c["name"].lower(): c["data_type"] for c in table.get("columns") or [] if c.get("data_type")}
                types = {f.name: declared.get(f.name.lower()) or duckdb_type(f.dataType.simpleString()) for f in fields}
                selects = ", ".join(f"cast({publish._ident(f.name)} as {types[f.name]}) as {publish._ident(f.name)}"
                                    for f in fields)
                target = f"serving.main.{publish._ident(table['name'])}"
                if any(Path(location).glob("*.parquet")):
                    files = publish._literal(str(Path(location) / "*.parquet"))
                    con.execute(f"create table {target} as select {selects} from read_parquet({files})")
                else:  # an empty table may have no part files: its columns from the Spark schema
                    nulls = ", ".join(f"cast(null as {types[f.name]}) as {publish._ident(f.name)}" for f in fields)
                    con.execute(f"create table {target} as select {nulls} where false")
                if (table.get("description") or "").strip():
                    statements.append(f"comment on table {target} is "
                                      f"{publish._literal(table['description'].strip())}")
                present = {f.name.lower() for f in fields}
                for column in table.get("columns") or []:
                    if (column.get("description") or "").strip() and column["name"].lower() in present:
                        statements.append(f"comment on column {target}.{publish._ident(column['name'])} is "
                                          f"{publish._literal(column['description'].strip())}")
            if statements:
                con.execute("begin;\n" + ";\n".join(statements) + ";\ncommit")
            con.execute("detach serving")
    except BaseException:
        publish._remove_db(new_db)
        publish._stop_heartbeat(new_db)
        raise
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    started = time.perf_counter()
    result = publish.finish(new_db, db_path, dataset)
    summary = publish.summary(result)
    summary["finish_seconds"] = round(time.perf_counter() - started, 2)
    return summary

