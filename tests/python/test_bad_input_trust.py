"""Trust the input (issue 16): a raw file changed after it was loaded, a damaged gzip, a data set other than the
one asked for, an unknown data set name, a missing user export, two exports with one name, a corrupt fit-cache
file, a killed publish's files, `make clean DATASET=`. Each is either loaded exactly or stopped before anything
is built or published, with a message naming the file and the fix. The bad inputs come from
custseg.generate.corpus_trust; the Parquet case is tests/python/test_incremental_changed_file.py."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml

from custseg import fit_cache
from custseg.dbt_runner import PROJECT_DIR, run_dbt
from custseg.generate import corpus_trust as corpus
from custseg.raw_input import files
from custseg.serving import publish
from warehouse_tables import table_contents

slow = pytest.mark.slow
SELECT = ["--select", "+int_order_lines__classified", "--indirect-selection", "cautious"]


def build(root, raw, dataset="online_retail", check=True, extra_vars=None, args=()):
    return run_dbt("build", dataset=dataset, raw_data_dir=raw, db_path=root / "wh.duckdb",
                   target_path=root / "target", check=check, extra_vars=extra_vars, args=[*SELECT, *args])


def make_build(root, dataset, raw, *extra):
    """`make build` as a user runs it, into root/warehouse."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "build", f"DATASET={dataset}",
         f"RAW_DATA_DIR={raw}", f"WAREHOUSE_DIR={root / 'warehouse'}", f"DBT_TARGET_PATH={root / 'target'}",
         f"DBT_LOG_PATH={root / 'logs'}", *extra],
        cwd=PROJECT_DIR, capture_output=True, text=True)


def failure_text(proc):
    assert proc.returncode != 0, "the build should have failed"
    return proc.stdout + proc.stderr


def classified(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select source_file, source_row, invoice_id, quantity from int_order_lines__classified "
                           "order by source_file, source_row").fetchall()


@slow
def test_changed_middle_line_of_a_loaded_csv_stops_before_any_table_changes(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "wh.duckdb"
    csv = corpus.write_retail_csv(raw, corpus.retail_lines(21))
    build(tmp_path, raw)
    before = table_contents(db)
    loaded = classified(db)
    assert len(loaded) == 21

    original = csv.read_bytes()
    line = corpus.change_middle_quantity_csv(csv)
    text = failure_text(build(tmp_path, raw, check=False))
    assert (f"raw file 'online_retail/online_retail.csv' changed since it was loaded (its first {len(original)} "
            "bytes differ)") in text
    assert f"make build DATASET=online_retail RAW_DATA_DIR={raw} DBT_ARGS=--full-refresh" in text
    assert table_contents(db) == before, f"line {line} changed: no table may change"

    # Lines appended to the file as it was: only they are read, the loaded ones stay as they were.
    csv.write_bytes(original + "".join(corpus.retail_lines(5, start=21)).encode())
    build(tmp_path, raw)
    grown = classified(db)
    assert grown[:21] == loaded
    assert [row[1] for row in grown[21:]] == [22, 23, 24, 25, 26]


@slow
def test_gzip_with_a_flipped_bit_stops_before_it_is_read(tmp_path):
    raw = tmp_path / "raw"
    gz = corpus.write_retail_csv(raw, corpus.retail_lines(21), "online_retail/online_retail.csv.gz")
    corpus.flip_quantity_bit_in_gzip(gz)
    text = failure_text(make_build(tmp_path, "online_retail", raw))
    assert f"raw file '{gz}' is a damaged gzip file (CRC check failed" in text
    assert "Copy or export it again" in text
    assert "serving copy NOT published" in text
    assert not (tmp_path / "warehouse" / "serving" / "online_retail.duckdb").exists()
    assert "stg_online_retail__order_lines" not in table_contents(tmp_path / "warehouse" / "online_retail.duckdb")


def test_gzip_check_names_truncation_and_passes_a_sound_file(tmp_path):
    gz = corpus.write_retail_csv(tmp_path, corpus.retail_lines(50), "sound.csv.gz")
    assert files.gzip_problem(gz) is None
    corpus.truncate(gz)
    assert files.gzip_problem(gz) == "Compressed file ended before the end-of-stream marker was reached"


def test_digest_of_a_grown_file_keeps_its_loaded_bytes(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("a,b\n1,2\n")
    loaded = (files.file_bytes(path), files.digest(path))
    with path.open("a") as handle:
        handle.write("3,4\n")
    assert files.digest(path, loaded[0]) == loaded[1]
    assert files.digest(path) != loaded[1]
    assert files.digest(path, 10_000) is None
    assert files.file_bytes(tmp_path / "gone.csv") is None


@slow
def test_vars_given_twice_builds_and_publishes_nothing(tmp_path):
    raw = tmp_path / "raw"
    corpus.write_same_name_in_two_folders(raw)
    proc = make_build(tmp_path, "user", raw, "DBT_ARGS=--vars '{user_mapping: {path: exports/*/orders.csv}}'")
    text = failure_text(proc)
    assert "this build is for data set 'sample' (var dataset) but writes" in text
    assert "the warehouse of data set 'user'. dbt keeps only the last --vars" in text
    assert not (tmp_path / "warehouse" / "serving").exists()
    assert table_contents(tmp_path / "warehouse" / "user.duckdb") == {}

    # `make publish` with the same mistake (no on-run-start there): the publish itself refuses.
    published = run_dbt("run-operation", dataset="sample", raw_data_dir=raw,
                        db_path=tmp_path / "warehouse" / "user.duckdb", target_path=tmp_path / "target",
                        args=["publish_serving_copy"], check=False)
    assert "the warehouse of data set 'user'" in failure_text(published)
    assert not (tmp_path / "warehouse" / "serving").exists()


@slow
def test_same_file_name_in_two_folders_loads_both_and_a_changed_mapping_stops(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "wh.duckdb"
    corpus.write_same_name_in_two_folders(raw)
    written = f"{tmp_path}/./raw//"  # DuckDB names globbed files normalized: the references still match
    mapping = {"user_mapping": {"path": "exports/*/orders.csv"}, "raw_data_dir": written}
    build(tmp_path, raw, dataset="user", extra_vars=mapping)
    build(tmp_path, raw, dataset="user", extra_vars=mapping)  # unchanged: not "raw file changed"
    rows = classified(db)
    assert [(file, row) for file, row, _, _ in rows] == [
        ("exports/2023/orders.csv", 1), ("exports/2023/orders.csv", 2), ("exports/2023/orders.csv", 3),
        ("exports/2024/orders.csv", 1), ("exports/2024/orders.csv", 2), ("exports/2024/orders.csv", 3)]
    assert [invoice for _, _, invoice, _ in rows] == [f"INV{1000 + i}" for i in range(6)]

    before = table_contents(db)
    other = {"user_mapping": {"path": "exports/*/orders.csv", "date_formats": ["%d.%m.%Y %H:%M"]},
             "raw_data_dir": written}
    text = failure_text(build(tmp_path, raw, dataset="user", extra_vars=other, check=False))
    assert "the raw files' read settings changed since the order lines were loaded" in text
    assert "%d.%m.%Y %H:%M" in text
    assert f"make build DATASET=user RAW_DATA_DIR={written} DBT_ARGS=--full-refresh" in text
    assert table_contents(db) == before


@slow
def test_unknown_dataset_lists_the_valid_names(tmp_path):
    text = failure_text(build(tmp_path, tmp_path, dataset="onlineretail", check=False))
    assert "unknown data set 'onlineretail'" in text
    assert "Valid data sets: sample, online_retail, customer_personality, coil2000, user" in text


@slow
def test_missing_user_export_names_the_mapping_path(tmp_path):
    (tmp_path / "raw").mkdir()
    text = failure_text(build(tmp_path, tmp_path / "raw", dataset="user", check=False))
    assert "no raw file matches" in text and "user/transactions.csv" in text
    assert "user_mapping.path" in text and "raw_files" not in text


@pytest.mark.parametrize("damage", ["truncated", "empty"])
def test_corrupt_fit_cache_file_is_refitted_with_one_warning(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(fit_cache.ENV_VAR, str(tmp_path))
    fit_cache.memoized("fit", "k" * 32, lambda: {"centroids": list(range(1000))})
    [path] = tmp_path.glob("fit-*.pickle")
    path.write_bytes(path.read_bytes()[:40] if damage == "truncated" else b"")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_cache.memoized("fit", "k" * 32, lambda: {"centroids": [1, 2]})
    assert result == {"centroids": [1, 2]}
    assert [str(w.message).split(" cannot be read")[0] for w in caught] == [f"fit cache file {path}"]
    assert "fitting again and replacing it" in str(caught[0].message)
    assert pickle.loads(path.read_bytes()) == {"centroids": [1, 2]}


@pytest.mark.parametrize("library", fit_cache.LIBRARIES)
def test_a_fit_cached_with_another_library_version_is_fitted_again(tmp_path, monkeypatch, library):
    """A result cached before numpy, scipy, scikit-learn or Great Expectations changed version is not reused
    (the versions come from the package metadata, so they cover GE's verdict without importing GE)."""
    monkeypatch.setenv(fit_cache.ENV_VAR, str(tmp_path))
    assert fit_cache.memoized("fit", "k" * 32, lambda: "fitted before") == "fitted before"
    assert fit_cache.memoized("fit", "k" * 32, lambda: "not called") == "fitted before"
    installed = fit_cache.importlib.metadata.version
    monkeypatch.setattr(fit_cache.importlib.metadata, "version",
                        lambda name: "99.0" if name == library else installed(name))
    assert fit_cache.memoized("fit", "k" * 32, lambda: "fitted again") == "fitted again"
    assert len(list(tmp_path.glob("fit-*.pickle"))) == 2


def test_next_publish_removes_a_killed_publish_files_only(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    serving, reports = tmp_path / "serving", tmp_path / "reports"
    serving.mkdir()
    reports.mkdir()
    killed = [serving / f".sample.duckdb.tmp-1-{dead.pid}", serving / f".sample.duckdb.tmp-1-{dead.pid}.wal",
              reports / f".sample.html.publishing-1-{dead.pid}"]
    running = [serving / f".sample.duckdb.tmp-2-{os.getppid()}", reports / f".sample.html.publishing-2-{os.getppid()}"]
    other_dataset = serving / f".user.duckdb.tmp-1-{dead.pid}"
    for path in [*killed, *running, other_dataset]:
        path.write_text("x")
    new_db = publish.begin(tmp_path / "sample.duckdb", "sample")
    assert [path for path in killed if path.exists()] == []
    assert all(path.exists() for path in [*running, other_dataset])
    assert not new_db.exists()
    publish.abandon(new_db)  # this test's publish stops here


def test_make_clean_dataset_removes_that_dataset_only(tmp_path):
    wh = tmp_path / "warehouse"
    kept = [wh / "sample.duckdb", wh / "serving" / "sample.duckdb", wh / "serving" / ".sample.parquet-1" / "t.parquet",
            wh / "reports" / "sample.html", wh / "fit_cache" / "fit-a.pickle"]
    removed = [wh / "user.duckdb", wh / "user.duckdb.wal", wh / "serving" / "user.duckdb",
               wh / "serving" / "user.previous.duckdb", wh / "serving" / ".user.parquet-1" / "t.parquet",
               wh / "reports" / "user.html"]
    for path in kept + removed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (wh / "serving" / "user").symlink_to(".user.parquet-1")
    subprocess.run(["make", "--no-print-directory", "clean", "DATASET=user", f"WAREHOUSE_DIR={wh}"],
                   cwd=PROJECT_DIR, check=True, capture_output=True)
    assert [path for path in removed if path.exists()] == []
    assert not (wh / "serving" / "user").is_symlink()
    assert all(path.exists() for path in kept)


def test_profile_defaults_the_database_to_the_dataset(monkeypatch):
    monkeypatch.delenv("CUSTSEG_DB_PATH", raising=False)
    outputs = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())["custseg"]["outputs"]
    template = outputs["dev"]["path"]

    def render(cli_vars):
        return jinja2.Template(template).render(
            env_var=lambda name, default=None: os.environ.get(name, default),
            var=lambda name, default=None: cli_vars.get(name, default))

    assert render({"dataset": "user"}) == "warehouse/user.duckdb"
    assert render({}) == "warehouse/sample.duckdb"
    assert Path(render({"dataset": "online_retail"})).name == "online_retail.duckdb"
