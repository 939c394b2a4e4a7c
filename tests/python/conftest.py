"""Shared pytest fixtures: paths, the shared public data, a small generated world."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# pyspark (installed for the Spark tests) ends the process when pyspark.sql.connect is imported under a __main__
# module without a file, which it takes for its own doctests; pytest-xdist's workers run under such a __main__,
# and Great Expectations imports pyspark.sql.connect. A worker's __main__ is given a file name.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"


def shared_data_dir() -> Path:
    """The public data sets: CUSTSEG_SHARED_DATA, default ../shared/data beside the repository."""
    return Path(os.environ.get("CUSTSEG_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        # Our CI (.ci/run) always has ../shared/data: there a missing folder is an error, not a skip.
        if os.environ.get("CUSTSEG_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"shared data folder not found: {path} (set CUSTSEG_SHARED_DATA)")
        pytest.skip(f"shared data folder not found: {path}")
    return path


def build_once(tmp_path_factory, name: str, build) -> dict:
    """``build(folder)`` once per test run, in whichever pytest process asks first: under pytest-xdist
    (``make test``) the other process waits for it and gets the same result. ``build`` writes into the empty
    folder and returns a dict of JSON values. A build that failed is made again by the next test that asks."""
    import fcntl
    import json
    import shutil

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's folder, shared by workers
    folder, done = shared / f"once-{name}", shared / f"once-{name}" / "built.json"
    with open(shared / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also when build fails
        if done.is_file():
            return json.loads(done.read_text())
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        result = build(folder)
        done.write_text(json.dumps(result))
        return result


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> Path:
    """A generated world of about 2,000 customers, written once per test run (one folder for both processes, so
    that builds in either one read the same files)."""
    from custseg.generate import WorldSpec, generate_world

    def generate(folder: Path) -> dict:
        generate_world(WorldSpec(customers=2_000, seed=7), folder, progress=False)
        return {"path": str(folder)}

    return Path(build_once(tmp_path_factory, "small_world", generate)["path"])


@pytest.fixture(scope="session")
def make_build(repo_root):
    """``make build`` of the sample data set from ``raw_dir`` into ``root`` (warehouse/, target/, logs/), exactly
    as a user runs it: plain ``dbt build``, whose on-run-end hook publishes the serving copy and writes the
    report. Returns the paths it wrote (``built_paths``), with its output and time."""
    import shutil
    import subprocess
    import time

    def run(raw_dir: Path, root: Path) -> SimpleNamespace:
        paths = built_paths(root, raw_dir)
        started = time.monotonic()
        proc = subprocess.run(
            ["make", "--no-print-directory", "build", "DATASET=sample", f"RAW_DATA_DIR={raw_dir}",
             f"WAREHOUSE_DIR={paths.warehouse_dir}", f"DBT_TARGET_PATH={paths.target_path}",
             f"DBT_LOG_PATH={root / 'logs'}"],
            cwd=repo_root, capture_output=True, text=True)
        paths.output, paths.seconds = proc.stdout, time.monotonic() - started
        if proc.returncode != 0:
            pytest.fail(f"make build failed (exit {proc.returncode}):\n{proc.stdout[-5000:]}\n{proc.stderr[-3000:]}")
        shutil.copyfile(paths.target_path / "run_results.json", paths.run_results)  # what the build ran, kept
        return paths

    return run


def built_paths(root: Path | str, raw_dir: Path | str, output: str = "", seconds: float = 0.0) -> SimpleNamespace:
    """The paths ``make build`` of the sample data set from ``raw_dir`` writes under ``root``; ``run_results`` is
    the copy of the build's run_results.json that make_build keeps (a later dbt command there overwrites dbt's)."""
    root = Path(root)
    warehouse = root / "warehouse"
    return SimpleNamespace(
        root=root, raw_dir=Path(raw_dir), warehouse_dir=warehouse, target_path=root / "target",
        run_results=root / "run_results.json", db=warehouse / "sample.duckdb",
        serving_db=warehouse / "serving" / "sample.duckdb", parquet_dir=warehouse / "serving" / "sample",
        report=warehouse / "reports" / "sample.html", output=output, seconds=seconds)


def copy_of_build(built: SimpleNamespace, root: Path, target: bool = True) -> SimpleNamespace:
    """A copy under ``root`` of what ``make build`` wrote in ``built``: its warehouse folder (the Parquet folder's
    link kept a link) and, when ``target``, dbt's target folder. For a test that runs dbt there or writes a file:
    the published sample is shared with the other pytest process, which may be reading it."""
    import shutil

    shutil.copytree(built.warehouse_dir, root / "warehouse", symlinks=True)
    if target:
        shutil.copytree(built.target_path, root / "target")
    return built_paths(root, built.raw_dir)


@pytest.fixture(scope="session")
def published_sample(make_build, small_world, tmp_path_factory):
    """The small world built, published and reported by ``make build`` once per test run (shared by both
    processes: the Spark tests compare their build with it). Tests only read it: one that runs dbt or opens a
    file for writing does so in a copy (``copy_of_build``)."""
    def build(folder: Path) -> dict:
        made = make_build(small_world, folder)
        return {"root": str(folder), "raw_dir": str(small_world), "output": made.output, "seconds": made.seconds}

    return built_paths(**build_once(tmp_path_factory, "published_sample", build))


@pytest.fixture(scope="session")
def full_build(shared_data, tmp_path_factory):
    """``dbt build`` of a whole public data set (every model, data test, contract and unit test), once per
    test run and data set (shared by both processes); returns the path of its DuckDB file. Tests open it
    read-only."""
    import time

    from custseg.dbt_runner import run_dbt

    def build(dataset: str) -> Path:
        def run(folder: Path) -> dict:
            db, started = folder / f"{dataset}.duckdb", time.monotonic()
            run_dbt("build", dataset=dataset, raw_data_dir=shared_data, db_path=db, target_path=folder / "target")
            return {"db": str(db), "seconds": time.monotonic() - started}

        built = build_once(tmp_path_factory, f"full_{dataset}", run)
        build.seconds[dataset] = built["seconds"]
        return Path(built["db"])

    build.seconds = {}  # the time of each data set's build, whichever process made it
    return build


def _require_spark() -> None:
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        pytest.fail(f"pyspark is not installed ({error}): `make test-spark` installs requirements/spark.txt")
    java = shutil.which("java", path=os.path.join(os.environ["JAVA_HOME"], "bin")) \
        if os.environ.get("JAVA_HOME") else shutil.which("java")
    if java is None:
        pytest.fail("no Java found (JAVA_HOME or java on PATH): Spark 4 needs Java 17 or later, see docs/spark.md")


def make_spark_build(repo_root: Path, dataset: str, raw_dir: Path, root: Path) -> dict:
    """``make build DATASET=<dataset> DBT_TARGET=spark`` of the files under raw_dir (its on-run-end hook publishes
    the serving copy); returns its warehouse folders, run results, manifest, time and output."""
    import json
    import subprocess
    import time

    _require_spark()
    started = time.monotonic()
    proc = subprocess.run(
        ["make", "--no-print-directory", "build", f"DATASET={dataset}", "DBT_TARGET=spark",
         f"RAW_DATA_DIR={raw_dir}", f"WAREHOUSE_DIR={root / 'warehouse'}",
         f"DBT_TARGET_PATH={root / 'target'}", f"DBT_LOG_PATH={root / 'logs'}"],
        cwd=repo_root, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        pytest.fail(f"make build DATASET={dataset} DBT_TARGET=spark failed (exit {proc.returncode}):\n"
                    f"{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")
    results = json.loads((root / "target" / "run_results.json").read_text())
    manifest = json.loads((root / "target" / "manifest.json").read_text())
    return {"spark_dir": root / "warehouse" / "spark", "warehouse_dir": root / "warehouse", "results": results,
            "manifest": manifest, "seconds": seconds, "output": proc.stdout}


# The two builds of the small world that the Spark tests (marker spark: test_spark_matches_duckdb.py,
# test_spark_serving.py) compare, made once per test session.
@pytest.fixture(scope="session")
def spark_build(repo_root, small_world, tmp_path_factory):
    """``make build DBT_TARGET=spark`` of the small world."""
    return make_spark_build(repo_root, "sample", small_world, tmp_path_factory.mktemp("spark_build"))


@pytest.fixture(scope="session")
def duckdb_build(published_sample):
    """``make build`` (DuckDB) of the same small world, published by its own hook: the published sample."""
    return published_sample


# make test runs the suite in two processes (pytest -n 2 --dist loadgroup --no-loadscope-reorder). The test files
# that share an expensive session build run in one process, which builds it once: the Spark builds, the
# published small world, the public data sets. A file goes whole to the first group one of its tests needs (its
# module fixtures are built once). The groups are queued first, in this order, so that one process starts on the
# Spark group and the other on the published world and then the public data, and both share the rest.
# Without -n the marks do nothing and the files keep their order.
GROUPS = [("spark", {"spark_build", "duckdb_build", "online_retail_spark", "online_retail_duckdb"}),
          ("published_sample", {"published_sample"}),
          ("public_data", {"full_build"})]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not getattr(config.option, "loadgroup", False):  # set in each xdist worker by --dist loadgroup
        return
    by_file: dict[str, int] = {}
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        group = next((position for position, (_, needs) in enumerate(GROUPS) if fixtures & needs), len(GROUPS))
        by_file[item.path.name] = min(group, by_file.get(item.path.name, len(GROUPS)))
    from _pytest.nodeid import NodeId

    items.sort(key=lambda item: by_file[item.path.name])  # stable: the files' own order within a group
    for item in items:
        if by_file[item.path.name] < len(GROUPS):
            group = GROUPS[by_file[item.path.name]][0]
            item.add_marker(pytest.mark.xdist_group(group))
            # xdist groups the tests whose id ends in @<group>; pytest-xdist 3.8 writes that id to item._nodeid,
            # which pytest 9 no longer reads (it holds the id as item._id), so the id is set here the pytest 9 way.
            if not item.nodeid.endswith(f"@{group}"):
                item._id = NodeId.parse(f"{item.nodeid}@{group}")
