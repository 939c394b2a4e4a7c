"""Every DuckDB 1.x client opens the serving copy: the newest 1.x on PyPI (requirements/clients.txt) and the
oldest (requirements/clients-oldest.txt), each installed from the package registry into its own venv (made
once per requirements file, cached: tests/python/venvs.py), read every row of every public table and of its Parquet export, and
get the same rows as the project's own DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from custseg.serving import public_tables

from venvs import cached_venv

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
READER = Path(__file__).with_name("clients") / "read_serving_copy.py"
CLIENTS = ["clients.txt", "clients-oldest.txt"]


def client_python(requirements: Path) -> Path:
    """The Python of a venv holding exactly ``requirements``."""
    return cached_venv(requirements.stem, requirements.read_text(), ["-r", str(requirements)])


def read_with(python: Path | str, serving) -> dict:
    proc = subprocess.run([str(python), str(READER), str(serving.serving_db), str(serving.parquet_dir)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def own_read(published_sample):
    return read_with(sys.executable, published_sample)


@pytest.mark.parametrize("requirements", CLIENTS)
def test_a_duckdb_1x_client_reads_every_public_table_and_its_parquet(published_sample, own_read, requirements):
    python = client_python(REPO_ROOT / "requirements" / requirements)
    pinned = (REPO_ROOT / "requirements" / requirements).read_text().split("duckdb==")[1].split()[0]
    got = read_with(python, published_sample)

    assert got["version"] == pinned and pinned.startswith("1.")
    assert own_read["version"] == duckdb.__version__ != got["version"]
    public = sorted(t.name for t in public_tables(published_sample.target_path / "manifest.json"))
    assert sorted(got["tables"]) == public == sorted(got["parquet"])
    assert got["tables"] == own_read["tables"]  # the same rows, to the bit, as the project's DuckDB reads
    assert got["parquet"] == own_read["parquet"]
    assert {name: n for name, (n, _) in got["parquet"].items()} == {name: n for name, (n, _) in got["tables"].items()}
    assert sum(n for n, _ in got["tables"].values()) > 10_000


def test_the_serving_copy_is_written_in_the_storage_format_of_duckdb_1_0(published_sample):
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        tags = con.execute("select tags from duckdb_databases() where database_name = current_database()").fetchone()[0]
    assert tags["storage_version"].startswith("v1.0.0")
