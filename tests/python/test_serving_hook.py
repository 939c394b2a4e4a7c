"""Plain dbt is the main path: ``dbt build`` from the project folder, with the documented environment, publishes
the serving copy and the report itself (on-run-end hooks, macros/serving/publish_serving_copy.sql), the same
tables as ``make build``; the database file it leaves holds every table on its own; a failed build publishes
nothing; ``make build`` is that same command, with the vars of dbt_project.yml for the default data set."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import copy_of_build

from custseg.serving import public_tables

pytestmark = pytest.mark.slow

DBT = str(Path(sys.executable).with_name("dbt"))


def plain_dbt(repo_root: Path, root: Path, command: list[str], raw_dir: Path | None = None,
              check: bool = True) -> subprocess.CompletedProcess:
    """``dbt <command>`` as the README documents it, run in the project folder; dbt's target and logs in
    ``root`` (so the project's own stay untouched)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "CUSTSEG_"))}
    env.update(DBT_PROFILES_DIR=".", CUSTSEG_DB_PATH=str(root / "warehouse" / "sample.duckdb"),
               DBT_TARGET_PATH=str(root / "target"), DBT_LOG_PATH=str(root / "logs"))
    if raw_dir is not None:
        command = [*command, "--vars", f"{{dataset: sample, raw_data_dir: {raw_dir}}}"]
    proc = subprocess.run([DBT, *command], cwd=repo_root, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        pytest.fail(f"dbt {' '.join(command)} failed (exit {proc.returncode}):\n{proc.stdout[-5000:]}\n"
                    f"{proc.stderr[-3000:]}")
    return proc


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


@pytest.fixture(scope="module")
def plain_build(published_sample, small_world, repo_root, tmp_path_factory):
    """A plain ``dbt build`` of the small world into a copy of ``make build``'s warehouse folder whose build
    database was removed (a build from scratch): its serving copy and report are there from ``make build``."""
    plain = copy_of_build(published_sample, tmp_path_factory.mktemp("plain"), target=False)
    # serving/sample.published.json goes too: the tables are make build's, and a build whose public tables equal
    # the published ones publishes nothing (test_a_build_that_changes_no_public_table_publishes_nothing)
    for leftover in ("sample.duckdb", "sample.duckdb.wal", "fit_cache", "serving/sample.published.json"):
        path = plain.warehouse_dir / leftover
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    plain.before = {"serving_db": _identity(plain.serving_db), "report": _identity(plain.report)}
    plain.output = plain_dbt(repo_root, plain.root, ["build"], raw_dir=small_world).stdout
    return plain


def test_plain_dbt_build_refreshes_the_serving_copy_and_the_report(plain_build):
    assert "custseg: published " in plain_build.output
    assert _identity(plain_build.serving_db) != plain_build.before["serving_db"]
    assert _identity(plain_build.report) != plain_build.before["report"]
    previous = plain_build.serving_db.with_name("sample.previous.duckdb")
    assert _identity(previous)[0] == plain_build.before["serving_db"][0]  # make build's copy, kept
    public = {t.name for t in public_tables(plain_build.target_path / "manifest.json")}
    with duckdb.connect(str(plain_build.serving_db), read_only=True) as con:
        served = {name for name, in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert not con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
    assert served == public and len(public) > 20
    parquet = {p.stem for p in (plain_build.serving_db.parent / "sample").iterdir()}
    assert parquet == public


def test_plain_dbt_build_publishes_the_tables_of_make_build(plain_build, published_sample):
    public = sorted(t.name for t in public_tables(plain_build.target_path / "manifest.json"))
    assert public == sorted(t.name for t in public_tables(published_sample.target_path / "manifest.json"))
    with duckdb.connect() as con:
        con.execute(f"attach '{plain_build.serving_db}' as plain (read_only)")
        con.execute(f"attach '{published_sample.serving_db}' as made (read_only)")
        differing = {}
        for name in public:
            rows = con.execute(f'select count(*) from made.main."{name}"').fetchone()[0]
            only = [con.execute(f'select count(*) from (select * from {a}.main."{name}" '
                                f'except all select * from {b}.main."{name}")').fetchone()[0]
                    for a, b in (("plain", "made"), ("made", "plain"))]
            if any(only):
                differing[name] = (rows, only)
    assert differing == {}


@pytest.mark.parametrize("build", ["plain", "make"])
def test_the_build_database_copied_alone_has_every_table(build, plain_build, published_sample, tmp_path):
    built = plain_build if build == "plain" else published_sample
    assert not Path(f"{built.db}.wal").exists() or Path(f"{built.db}.wal").stat().st_size == 0
    alone = tmp_path / "copy" / "sample.duckdb"
    alone.parent.mkdir()
    shutil.copyfile(built.db, alone)  # the file alone, no .wal
    manifest = json.loads((built.target_path / "manifest.json").read_text())
    models = {node["alias"]: node for node in manifest["nodes"].values()
              if node["resource_type"] == "model" and node["config"]["materialized"] != "ephemeral"}
    python_models = {name for name, node in models.items() if node["language"] == "python"}
    assert python_models
    with duckdb.connect(str(alone), read_only=True) as con:
        present = {name for name, in con.execute(
            "select table_name from duckdb_tables() union all select view_name from duckdb_views() "
            "where not internal").fetchall()}
        assert set(models) - present == set()
        public = {name for name in python_models if models[name]["access"] == "public"}
        assert public
        with duckdb.connect(str(built.serving_db), read_only=True) as serving:
            for name in sorted(python_models):
                rows = con.execute(f'select count(*) from "{name}"').fetchone()[0]
                assert rows > 0, name
                if name in public:  # the check models (protected) are not served
                    assert rows == serving.execute(f'select count(*) from "{name}"').fetchone()[0], name


def test_a_build_that_changes_no_public_table_publishes_nothing(plain_build, small_world, repo_root, tmp_path):
    again = copy_of_build(plain_build, tmp_path / "again", target=False)
    root = again.root
    served = (again.serving_db, again.report)
    before = [_identity(path) for path in served], again.parquet_dir.resolve()

    proc = plain_dbt(repo_root, root, ["build"], raw_dir=small_world)

    assert "not published again: its " in proc.stdout and "custseg: published " not in proc.stdout
    # nor is anything fitted again: every fit's inputs are the same rows, whatever order the tables return them in
    fits = re.findall(r"custseg: fit (\w+): (started|loaded from the fit cache)", proc.stdout)
    assert {kind for kind, _ in fits} >= {"segment_k", "segments", "population", "response_cv", "response_refit",
                                          "response_selection", "response_importance", "clv", "quality"}
    assert [kind for kind, how in fits if how == "started"] == []
    assert ([_identity(path) for path in served], again.parquet_dir.resolve()) == before
    # one row of one public table changes: the next build publishes again
    with duckdb.connect(str(again.db)) as con:
        con.execute("delete from main.customer_segments where customer_id = (select min(customer_id) "
                    "from main.customer_segments)")
    proc = plain_dbt(repo_root, root, ["run", "--select", "customer_activity"], raw_dir=small_world)
    assert "custseg: published " in proc.stdout
    assert _identity(served[0]) != before[0][0]


def test_a_failed_build_publishes_nothing_and_says_so(plain_build, repo_root, tmp_path):
    failed = copy_of_build(plain_build, tmp_path / "failed", target=False)
    root, serving_db = failed.root, failed.serving_db
    before = {path: (_identity(path), path.read_bytes()) for path in (serving_db, failed.report)}
    parquet_before = failed.parquet_dir.resolve()
    empty = tmp_path / "no_raw_files"
    empty.mkdir()

    # --full-refresh: without it the run-start check of the loaded raw files already stops the build (they are
    # gone) before any node runs; here the nodes run and fail, and the on-run-end hook must decline to publish.
    proc = plain_dbt(repo_root, root, ["build", "--full-refresh"], raw_dir=empty, check=False)

    assert proc.returncode != 0
    assert "serving copy NOT published" in proc.stdout and "The previous serving copy and report stay" in proc.stdout
    assert {path: (_identity(path), path.read_bytes()) for path in before} == before
    assert failed.parquet_dir.resolve() == parquet_before
    assert not [p.name for p in serving_db.parent.iterdir() if ".tmp-" in p.name]


def test_make_build_is_plain_dbt_build_with_the_projects_default_vars(repo_root, tmp_path):
    dry = subprocess.run(["make", "--no-print-directory", "-n", "build"],
                         cwd=repo_root, capture_output=True, text=True, check=True)
    [line] = [line for line in dry.stdout.splitlines() if " dbt build " in line]
    words = shlex.split(line)
    env = dict(word.split("=", 1) for word in words[:words.index("dbt")])
    assert env["CUSTSEG_DB_PATH"] == "warehouse/sample.duckdb" and env["DBT_PROFILES_DIR"] == "."
    assert not any(name.startswith("CUSTSEG_WORKER") for name in env)
    command = words[words.index("dbt"):]
    assert command[:2] == ["dbt", "build"] and command[2] == "--vars"
    make_vars = yaml.safe_load(command[3])
    defaults = yaml.safe_load((repo_root / "dbt_project.yml").read_text())["vars"]
    assert make_vars == {name: defaults[name] for name in make_vars}  # the defaults, as a bare `dbt build` gets
    # The manifest of make's command and of a bare `dbt` in the project folder: nothing modified.
    made = tmp_path / "made"
    plain_dbt(repo_root, made, ["parse", "--vars", command[3]])
    listed = plain_dbt(repo_root, tmp_path / "bare", ["ls", "-q", "--select", "state:modified", "--state", str(made / "target")])
    assert [line for line in listed.stdout.splitlines() if re.match(r"^[a-z_]+(\.|:)", line)] == []


def test_a_publish_that_fails_fails_the_build_and_leaves_the_previous_copy(plain_build, small_world, repo_root,
                                                                          tmp_path):
    blocked = copy_of_build(plain_build, tmp_path / "blocked", target=False)
    root, serving_db = blocked.root, blocked.serving_db
    before = (_identity(serving_db), serving_db.read_bytes())
    shutil.rmtree(blocked.report.parent)
    blocked.report.parent.write_text("a file where the reports folder goes")

    # a `dbt run` of one model: the hook publishes every public model the database holds
    proc = plain_dbt(repo_root, root, ["run", "--select", "customer_activity"], raw_dir=small_world, check=False)

    assert proc.returncode != 0
    assert "serving copy not published (the previous one stays)" in proc.stdout
    assert (_identity(serving_db), serving_db.read_bytes()) == before
    assert not [p.name for p in serving_db.parent.iterdir() if ".tmp-" in p.name]
    assert len(list(serving_db.parent.glob(".sample.parquet-*"))) == len(
        list(plain_build.serving_db.parent.glob(".sample.parquet-*")))
