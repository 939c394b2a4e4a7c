"""A connection held open survives any number of publishes: a read-only connection to the serving copy, and one
with views over the stable Parquet paths (serving/<dataset>/<table>.parquet), read every public table after each
of three publishes (`dbt run-operation publish_serving_copy`, what `make publish` runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from custseg.serving import public_tables

pytestmark = pytest.mark.slow

DBT = str(Path(sys.executable).with_name("dbt"))


def publish(repo_root: Path, root: Path, raw_dir: Path) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "CUSTSEG_"))}
    env.update(DBT_PROFILES_DIR=".", CUSTSEG_DB_PATH=str(root / "warehouse" / "sample.duckdb"),
               DBT_TARGET_PATH=str(root / "target"), DBT_LOG_PATH=str(root / "logs"))
    proc = subprocess.run([DBT, "run-operation", "publish_serving_copy", "--vars",
                           f"{{dataset: sample, raw_data_dir: {raw_dir}}}"],
                          cwd=repo_root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and "custseg: published " in proc.stdout, proc.stdout[-4000:]
    return proc.stdout


def read_every_table(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, int]:
    return {name: len(con.execute(f'select * from "{name}"').fetchall()) for name in names}


def test_connections_held_open_read_every_table_after_three_publishes(published_sample, small_world, repo_root,
                                                                     tmp_path):
    root = tmp_path / "held"
    shutil.copytree(published_sample.warehouse_dir, root / "warehouse", symlinks=True)
    shutil.copytree(published_sample.target_path, root / "target")
    serving_db = root / "warehouse" / "serving" / "sample.duckdb"
    parquet_dir = root / "warehouse" / "serving" / "sample"
    names = sorted(t.name for t in public_tables(published_sample.target_path / "manifest.json"))
    with duckdb.connect(str(published_sample.db), read_only=True) as built:
        expected = {name: built.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}

    held = duckdb.connect(str(serving_db), read_only=True)
    on_parquet = duckdb.connect()
    for name in names:
        on_parquet.execute(f"create view \"{name}\" as select * from read_parquet('{parquet_dir / name}.parquet')")
    assert read_every_table(held, names) == expected == read_every_table(on_parquet, names)

    inodes = {serving_db.stat().st_ino}
    for _ in range(3):
        publish(repo_root, root, small_world)
        inodes.add(serving_db.stat().st_ino)
        assert read_every_table(held, names) == expected
        assert read_every_table(on_parquet, names) == expected
        with duckdb.connect(str(serving_db), read_only=True) as fresh:
            assert read_every_table(fresh, names) == expected
    assert len(inodes) == 4  # each publish swapped in a new file under the held connection
    held.close()
    on_parquet.close()
