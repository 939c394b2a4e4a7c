"""The benchmark harness on a tiny world: measuring, the notebook approach = the floor, the new batch,
the summary and the issue's checks."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from custseg.bench.batch import BATCH_FILE, add_order_line_batch, link_world
from custseg.bench.floor import floor_features
from custseg.bench.measure import run_stage
from custseg.bench.notebook import notebook_features
from custseg.bench.runner import checks, dbt_stage_seconds, render, spark_lines, summarize


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory):
    from custseg.generate import WorldSpec, generate_world

    out = tmp_path_factory.mktemp("bench_world")
    generate_world(WorldSpec(customers=150, seed=3), out, progress=False)
    return out


def test_run_stage_reports_the_child_peak_memory_and_failures():
    big = run_stage("big", [sys.executable, "-c", "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096])"])
    small = run_stage("small", [sys.executable, "-c", "pass"])
    assert big.ok and small.ok and big.peak_mb > small.peak_mb + 250
    assert big.cpu_s >= small.cpu_s >= 0  # CPU seconds of the child, measured too
    failed = run_stage("fails", [sys.executable, "-c", "raise SystemExit('no such table: x')"])
    assert not failed.ok and "no such table: x" in failed.detail


def test_run_stage_adds_up_processes_that_run_at_the_same_time():
    # Two children of 200 MB each, alive together: the peak is their sum, not the larger one.
    hold = ("import sys, time; x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096]); "
            "time.sleep(1.5)")
    both = (f"import subprocess, sys; ps = [subprocess.Popen([sys.executable, '-c', {hold!r}]) for _ in range(2)]; "
            "sys.exit(sum(p.wait() for p in ps))")
    result = run_stage("both", [sys.executable, "-c", both])
    assert result.ok and result.peak_mb > 380


@pytest.mark.parametrize("parent_lingers_s", [0.0, 2.5], ids=["still running", "ended, never reaped"])
def test_run_stage_counts_the_cpu_of_a_process_the_command_never_waited_for(parent_lingers_s):
    # The command starts a worker that burns 1.5 CPU seconds and ends without waiting for it (as c2e3f5c's build
    # left its worker pool), while the worker still runs or after it ended: the worker's CPU counts, the stage's
    # seconds are the command's own.
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.5: pass"
    leave = (f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {burn!r}]); "
             f"time.sleep({parent_lingers_s})")
    result = run_stage("leaves", [sys.executable, "-c", leave])
    assert result.ok and result.left_behind == 1
    assert result.cpu_s >= 1.4
    assert parent_lingers_s <= result.seconds < parent_lingers_s + 1.4

def test_notebook_and_floor_compute_the_same_matrices(tiny_world):
    notebook, floor = notebook_features(tiny_world), floor_features(tiny_world)
    for nb, fl, key in zip(notebook, floor, ("customer_id", "customer_id", "person_id")):
        assert len(nb) == len(fl) > 0
        nb, fl = nb.set_index(key).sort_index(), fl.set_index(key).sort_index()
        assert list(nb.index) == list(fl.index)
        shared = [c for c in fl.columns if c in nb.columns]
        for column in shared:
            np.testing.assert_allclose(nb[column].astype(float).fillna(-1), fl[column].astype(float).fillna(-1),
                                       rtol=1e-9, err_msg=column)
    features, training, population = floor
    assert {"recency_days", "monetary", "channel_share_web", "income", "education_level"} <= set(features.columns)
    assert training["label"].notna().any() and population["is_customer"].any() and not population["is_customer"].all()


def test_new_batch_is_new_invoices_after_the_last_order_and_deterministic(tiny_world, tmp_path):
    linked = link_world(tiny_world, tmp_path / "raw")
    assert (linked / "order_lines").is_dir() and all(p.is_symlink() for p in (linked / "order_lines").iterdir())
    lines = add_order_line_batch(linked, percent=5)
    batch = pd.read_parquet(linked / "order_lines" / BATCH_FILE)
    world = pd.read_parquet(tiny_world / "order_lines")
    assert len(batch) == lines > 0
    assert batch["invoice_date"].min() > world["invoice_date"].max()
    assert not set(batch["invoice_no"]) & set(world["invoice_no"])
    first = (linked / "order_lines" / BATCH_FILE).read_bytes()
    add_order_line_batch(linked, percent=5)
    assert (linked / "order_lines" / BATCH_FILE).read_bytes() == first
    link_world(tiny_world, linked)  # a fresh link farm drops the batch
    assert not (linked / "order_lines" / BATCH_FILE).exists()


def _rows(project: float, floor: float, notebook: float | None, peak: float, size: str = "10m") -> list[dict]:
    rows = [{"size": size, "approach": "project", "stage": "total", "seconds": project, "peak_mb": peak, "ok": True,
             "order_lines": 10},
            {"size": size, "approach": "project (no change)", "stage": "total", "seconds": project / 4,
             "peak_mb": peak / 2, "ok": True},
            {"size": size, "approach": "floor", "stage": "total", "seconds": floor, "peak_mb": 1.0, "ok": True}]
    if notebook is not None:
        rows.append({"size": size, "approach": "notebook", "stage": "total", "seconds": notebook, "peak_mb": 1.0,
                     "ok": True})
    return rows


def test_summary_ratios_and_checks():
    summary = summarize(_rows(120, 100, 700, 3000) + _rows(900, 300, None, 9000, size="50m"))
    ten, fifty = summary
    assert (ten["project_over_floor"], ten["notebook_over_project"], ten["no_change_s"]) == (1.2, 5.83, 30)
    assert fifty["notebook_over_project"] is None and fifty["project_peak_mb"] == 9000
    assert checks(summary) == [
        "10M: project/floor = 1.2 (target <= 1.5): holds",
        "10M: notebook/project = 5.83 (target >= 5.0): holds",
        "50M: project builds, peak 9,000 MB (target <= 6,144 MB): NOT MET (2,856 MB over)",
        "10M: project/baseline: not measured (--baseline)",
        "10M: no-change rebuild / full build = 0.25 (target <= 0.3): holds"]
    slow = checks(summarize(_rows(300, 100, 600, 10)))
    assert slow[0] == "10M: project/floor = 3.0 (target <= 1.5): NOT MET (2.00x over)"
    assert slow[1] == "10M: notebook/project = 2.0 (target >= 5.0): NOT MET (2.50x short)"
    assert slow[2].startswith("50M: project build: not measured")
    text = render(_rows(300, 100, 600, 10), {"started": "now", "load_start": "1.0/1.0/1.0"})
    assert "| 10m | 10 | 300.0 | 100.0 | 600.0 | 3.0 | 2.0 | 75.0 |" in text and "load average" in text


def test_spark_against_duckdb_line():
    rows = _rows(60, 50, 300, 1000, size="1m") + [
        {"size": "1m", "approach": "spark local", "stage": "total", "seconds": 300.0, "peak_mb": 2500.0, "ok": True,
         "cpu_s": 400.0, "order_lines": 10}]
    rows[0]["cpu_s"] = 80.0
    summary = summarize(rows)
    assert summary[0]["spark_s"] == 300.0 and summary[0]["spark_over_duckdb"] == 5.0
    assert spark_lines(summary) == [
        "1M: spark/duckdb = 5.0 (DuckDB `make build` 60.0 s, Spark local `make build DBT_TARGET=spark` 300.0 s; "
        "CPU seconds 5.0; peak 1,000 MB and 2,500 MB)"]
    assert "## DuckDB against Spark local" in render(rows, {"started": "now"})
    assert spark_lines(summarize(_rows(60, 50, 300, 1000, size="1m"))) == []


def test_failed_run_has_no_ratio():
    rows = _rows(120, 100, 700, 3000)
    rows[0]["ok"] = False
    assert summarize(rows)[0]["project_over_floor"] is None


def test_dbt_stage_seconds_groups_nodes_by_kind():
    nodes = {
        "model.custseg.a": {"language": "sql"}, "model.custseg.b": {"language": "python"},
        "model.custseg.data_quality_results": {"language": "python"}}
    results = {"elapsed_time": 9.5, "results": [
        {"unique_id": "model.custseg.a", "execution_time": 1.0},
        {"unique_id": "model.custseg.b", "execution_time": 2.0},
        {"unique_id": "model.custseg.data_quality_results", "execution_time": 3.0},
        {"unique_id": "test.custseg.t1", "execution_time": 0.5},
        {"unique_id": "unit_test.custseg.u", "execution_time": 0.25},
        {"unique_id": "seed.custseg.s", "execution_time": 0.125},
        {"unique_id": "operation.custseg.custseg-on-run-end-1", "execution_time": 4.0}]}
    assert dbt_stage_seconds(results, nodes) == {"sql models": 1.0, "python models (fits)": 2.0,
                                                   "quality checks (GE)": 3.0, "dbt tests": 0.75, "seeds": 0.125,
                                                   "on-run-end (checkpoint, publish, report)": 4.0, "dbt elapsed": 9.5}
