"""A Spark build knows the raw files it loaded, as a DuckDB build does (macros/portable/raw_file_identity.sql).

``make build DBT_TARGET=spark`` records each loaded file's size and SHA-256 in ``int_order_lines__loaded_files``
(the custsegspark adapter runs custseg.raw_input.files, the code DuckDB's plugin runs), equal to the DuckDB
build's record of the same files; and a loaded Parquet part changed in place stops the next Spark build before
any node runs, naming the file and the command that rebuilds, as on DuckDB. The builds are conftest's session
fixtures. Marked ``spark``: run by ``make test-spark`` (and ``make test``).
"""

from __future__ import annotations

import shutil
import subprocess

import duckdb
import pytest

from custseg.generate.corpus_trust import change_middle_quantity_parquet

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_spark_build_stops_when_a_loaded_raw_file_changed(repo_root, spark_build, small_world, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_world, raw)  # the same files elsewhere are the same files: nothing else is touched
    part = raw / "order_lines" / "part-00000.parquet"
    size = part.stat().st_size
    change_middle_quantity_parquet(part)
    # A copy of the Spark build's metastore (embedded Derby opens a database in one process at a time, and a test
    # in this process may have opened the build's); its tables stay where the build wrote them, read only.
    warehouse = tmp_path / "warehouse"
    shutil.copytree(spark_build["spark_dir"] / "metastore_db", warehouse / "spark" / "metastore_db")
    proc = subprocess.run(
        ["make", "--no-print-directory", "build", "DATASET=sample", "DBT_TARGET=spark", f"RAW_DATA_DIR={raw}",
         f"WAREHOUSE_DIR={warehouse}", f"DBT_TARGET_PATH={tmp_path / 'target'}",
         f"DBT_LOG_PATH={tmp_path / 'logs'}"],
        cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout[-3000:]
    assert (f"raw file 'order_lines/part-00000.parquet' changed since it was loaded (its first {size} bytes "
            "differ)") in proc.stdout, proc.stdout[-3000:]
    assert f"make build DATASET=sample RAW_DATA_DIR={raw} DBT_TARGET=spark DBT_ARGS=--full-refresh" in proc.stdout
    assert "published" not in proc.stdout.lower().replace("not published", "")


def test_spark_build_records_the_raw_files_as_duckdb_does(spark_build, duckdb_build):
    recorded = spark_build["spark_dir"] / "tables" / "custseg.db" / "int_order_lines__loaded_files"
    query = "select * from {} order by source_file"
    with duckdb.connect() as con:
        spark_rows = con.execute(query.format(f"read_parquet('{recorded}/*.parquet')")).fetchall()
    with duckdb.connect(str(duckdb_build.db), read_only=True) as con:
        duckdb_rows = con.execute(query.format("int_order_lines__loaded_files")).fetchall()
    assert len(spark_rows) >= 1 and all(row[3] and row[4] for row in spark_rows)  # file_bytes, content_hash
    assert spark_rows == duckdb_rows
