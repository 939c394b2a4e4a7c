"""A connection held open survives any number of publishes: a read-only connection to the serving copy, and one
with views over the stable Parquet paths (serving/<dataset>/<table>.parquet), read every public table after each
of two publishes (`dbt run-operation publish_serving_copy`, what `make publish` runs). The second is the one
that deletes what the connections first opened: the file held open (no longer the previous copy either) and the
Parquet folder the stable paths first led to (a publish keeps the current folder and the previous one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from custseg.serving import public_tables

pytestmark = pytest.mark.slow

DBT = str(Path(sys.executable).with_name("dbt"))


def publish(repo_root: Path, copy: SimpleNamespace) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "CUSTSEG_"))}
    env.update(DBT_PROFILES_DIR=".", CUSTSEG_DB_PATH=str(copy.db), DBT_TARGET_PATH=str(copy.target_path),
               DBT_LOG_PATH=str(copy.root / "logs"))
    proc = subprocess.run([DBT, "run-operation", "publish_serving_copy", "--vars",
                           f"{{dataset: sample, raw_data_dir: {copy.raw_dir}}}"],
                          cwd=repo_root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and "custseg: published " in proc.stdout, proc.stdout[-4000:]
    return proc.stdout


def read_every_table(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, int]:
    return {name: len(con.execute(f'select * from "{name}"').fetchall()) for name in names}


def test_connections_held_open_read_every_table_after_two_publishes(published_sample, repo_root, tmp_path):
    from conftest import copy_of_build

    copy = copy_of_build(published_sample, tmp_path / "held")
    serving_db, parquet_dir = copy.serving_db, copy.parquet_dir
    first_parquet_dir = parquet_dir.resolve()
    names = sorted(t.name for t in public_tables(published_sample.target_path / "manifest.json"))
    with duckdb.connect(str(published_sample.db), read_only=True) as built:
        expected = {name: built.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}

    held = duckdb.connect(str(serving_db), read_only=True)
    on_parquet = duckdb.connect()
    for name in names:
        on_parquet.execute(f"create view \"{name}\" as select * from read_parquet('{parquet_dir / name}.parquet')")
    assert read_every_table(held, names) == expected == read_every_table(on_parquet, names)

    held_inode = serving_db.stat().st_ino
    inodes = {held_inode}
    for _ in range(2):
        publish(repo_root, copy)
        inodes.add(serving_db.stat().st_ino)
        assert read_every_table(held, names) == expected
        assert read_every_table(on_parquet, names) == expected
        with duckdb.connect(str(serving_db), read_only=True) as fresh:
            assert read_every_table(fresh, names) == expected
    assert len(inodes) == 3  # each publish swapped in a new file under the held connection
    # the file the held connection reads has no name left (neither the copy nor the previous copy)
    assert held_inode not in {path.stat().st_ino for path in serving_db.parent.iterdir() if path.is_file()}
    assert not first_parquet_dir.exists()  # the folder the views first read is gone, and they read on
    held.close()
    on_parquet.close()
