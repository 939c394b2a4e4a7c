"""``custseg bench``: the three approaches side by side, at several sizes, in one run.

For each size (order lines) the sample world is generated once (kept under ``bench/worlds/<size>/data``,
git-ignored), then measured in child processes, one after the other:

(a) project                 ``make build`` from an empty warehouse: dbt build with every test, the
                            Great Expectations checks, publish and the HTML report
    project (no change)     the same build again with no new data (incremental models append nothing,
                            fits are loaded from the fit cache)
    project (+new batch)    the same build after a new Parquet part of ~1 % new order lines
                            (:mod:`custseg.bench.batch`): incremental models append, fits run again
(b) notebook                pandas cleaning and features; customer k-means the notebook way (every k fitted
                            and its silhouette computed on every customer); the project's own population
                            and response fits
(c) floor                   bare DuckDB queries for cleaning and features, then the project's own fits
(e) spark local             ``make build DBT_TARGET=spark`` of the same world from an empty Spark warehouse
                            (a local SparkSession, docs/spark.md), right after the project's full build, up to
                            ``--spark-max-lines`` (default 1M): spark/duckdb per size
(d) baseline                with ``--baseline <commit>``: the same ``make build`` runs of that older commit
                            (:mod:`custseg.bench.baseline`) on the same world, each next to the project's run
                            of the same kind, in alternating order (project first for the full build, the
                            baseline first for the no-change rebuild, ...) so that a load that rises or falls
                            during the bench does not always favour the same side; project/baseline per size

The project (and the baseline) read a folder of links to the world (``bench/worlds/<size>/raw``) so the batch
never touches what (b) and (c) read. One table of wall time and peak memory per stage and approach, the ratios
project/floor and notebook/project, the machine's load average, and the issue's checks is printed and
written to ``bench/results/bench-<time>.md`` (+ ``.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from custseg.bench import baseline as baseline_commit
from custseg.bench.critical_path import critical_path, read_artifacts
from custseg.bench.critical_path import render as render_path
from custseg.bench.measure import StageResult, run_stage
from custseg.dbt_runner import PROJECT_DIR

SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}
PROJECT_RUNS = ("project", "project (no change)", "project (+new batch)")
# With --baseline: the older commit's run of each kind, taken right after the project's.
BASELINE_RUNS = dict(zip(PROJECT_RUNS, ("baseline", "baseline (no change)", "baseline (+new batch)")))
# The baseline lines of the results file: (what, project's run, baseline's run)
BASELINE_PAIRS = (("full build", "project", "baseline"),
                  ("no-change rebuild", "project (no change)", "baseline (no change)"),
                  ("+new batch rebuild", "project (+new batch)", "baseline (+new batch)"))
# Names for --runs: which measurements to take (all by default).
RUNS = {"project": "project", "no-change": "project (no change)", "new-batch": "project (+new batch)",
        "floor": "floor", "notebook": "notebook", "spark": "spark local"}
# The Spark build runs up to this many order lines by default (at 1M it takes minutes on 2 cores).
SPARK_MAX_LINES = 1_000_000
# The issues' checks: at 10M lines project <= 1.5x floor and notebook >= 5x project; 50M peak <= 6 GiB
# (issue 15; 8 GiB before); with a baseline (issue 15, against c2e3f5c): at 10M the full build <= 0.5x the
# baseline's, and a no-change rebuild <= 0.3x the full build.
MAX_PROJECT_OVER_FLOOR, MIN_NOTEBOOK_OVER_PROJECT, MAX_PEAK_MB = 1.5, 5.0, 6 * 1024
MAX_PROJECT_OVER_BASELINE, MAX_NO_CHANGE_OVER_FULL = 0.5, 0.3


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _approach_env() -> dict:
    """The notebook and the floor never use the project's fit cache (an empty CUSTSEG_FIT_CACHE_DIR turns it off)."""
    return {**os.environ, "CUSTSEG_FIT_CACHE_DIR": ""}


def _run_json(name: str, raw: Path, timeout: float | None) -> tuple[StageResult, dict]:
    """Run one approach; return the whole-process figures and its own per-stage JSON."""
    wrapper = [sys.executable, "-m", "custseg.bench.measure", "--",
               sys.executable, "-m", "custseg.bench.approach", name, str(raw)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(wrapper, capture_output=True, text=True, timeout=timeout, env=_approach_env())
    except subprocess.TimeoutExpired:
        return StageResult(name, time.perf_counter() - start, float("nan"), False, f"timed out after {timeout}s"), {}
    seconds = time.perf_counter() - start
    details, peak = {}, float("nan")
    for line in proc.stdout.splitlines():
        if line.startswith('{"approach"'):
            details = json.loads(line)
        elif line.startswith('{"peak_mb"'):
            peak = json.loads(line)["peak_mb"]
    return StageResult(name, seconds, peak, proc.returncode == 0, proc.stderr[-1500:]), details


def dbt_stage_seconds(results: dict, nodes: dict) -> dict[str, float]:
    """Seconds per kind of dbt node (sql models, python models, seeds, dbt tests, the on-run-end hooks that
    publish the serving copy and the report) from run_results.json (``results``) and the manifest's ``nodes``,
    plus ``dbt elapsed`` (wall time of the dbt command's run, without its start-up and parsing)."""
    stages: dict[str, float] = {}
    for node in results["results"]:
        uid = node["unique_id"]
        if uid.startswith(("test.", "unit_test.")):
            kind = "dbt tests"
        elif uid.startswith("seed."):
            kind = "seeds"
        elif uid.startswith("operation."):
            kind = "on-run-end (checkpoint, publish, report)"
        elif uid == "model.custseg.data_quality_results":
            kind = "quality checks (GE)"
        elif nodes.get(uid, {}).get("language") == "python":
            kind = "python models (fits)"
        else:
            kind = "sql models"
        stages[kind] = stages.get(kind, 0.0) + float(node.get("execution_time") or 0.0)
    stages["dbt elapsed"] = float(results.get("elapsed_time") or 0.0)
    return stages


def _build_figures(result: StageResult, target: Path) -> tuple[dict, list[dict]]:
    """A finished dbt build's seconds per kind of node (with ``dbt start-up``) and its critical path, from its
    artifacts in ``target`` (read once); nothing for a failed build or one without them."""
    artifacts = read_artifacts(target) if result.ok else None
    if artifacts is None:
        return {}, []
    stages = dbt_stage_seconds(*artifacts)
    stages["dbt start-up"] = max(result.seconds - stages["dbt elapsed"], 0.0)
    return stages, critical_path(*artifacts)


def _project(raw: Path, work: Path, timeout: float | None, label: str,
             project_dir: Path = PROJECT_DIR) -> tuple[StageResult, dict, list[dict]]:
    """``make build`` of ``project_dir`` (the project, or a baseline's worktree) with its own package: its result,
    seconds per kind of node and critical path."""
    cmd = baseline_commit.build_command(project_dir, raw, work)
    env = baseline_commit.build_env(project_dir, work)
    (work / "target" / "run_results.json").unlink(missing_ok=True)
    result = run_stage(label, cmd, env=env, timeout=timeout)
    return (result, *_build_figures(result, work / "target"))


def _spark(raw: Path, work: Path, timeout: float | None) -> tuple[StageResult, dict, list[dict]]:
    """``make build DBT_TARGET=spark`` of the project on ``raw``, from an empty Spark warehouse under ``work``."""
    shutil.rmtree(work, ignore_errors=True)
    cmd = [*baseline_commit.build_command(PROJECT_DIR, raw, work), "-o", ".venv/.installed-spark", "DBT_TARGET=spark"]
    env = baseline_commit.build_env(PROJECT_DIR, work)
    result = run_stage("spark local", cmd, env=env, timeout=timeout)
    return (result, *_build_figures(result, work / "target"))


def _row(size: str, approach: str, stage: str, seconds, peak_mb, ok: bool, detail: str = "", **extra) -> dict:
    return {"size": size, "approach": approach, "stage": stage, "seconds": seconds, "peak_mb": peak_mb,
            "ok": ok, "detail": detail, **extra}


def run_size(size: str, work_root: Path, *, notebook_max_lines: int, timeout: float | None,
             batch_percent: int = 1, runs: tuple[str, ...] = tuple(RUNS),
             baseline: baseline_commit.Baseline | None = None, spark_max_lines: int = SPARK_MAX_LINES) -> list[dict]:
    """The measurements ``runs`` (keys of RUNS) of one size, in the order they ran; with ``baseline``, each
    project run is followed by the baseline's run of the same kind."""
    unknown = sorted(set(runs) - set(RUNS))
    if unknown:
        raise ValueError(f"unknown run(s) {unknown}: choose from {sorted(RUNS)}")
    wanted = {RUNS[r] for r in runs}
    from custseg.bench.batch import add_order_line_batch, link_world

    rows: list[dict] = []
    world = work_root / size / "data"
    if not (world / "world.json").exists():
        gen = run_stage("generate", [sys.executable, "-m", "custseg.cli", "generate", "--out", str(world),
                                     "--order-lines", str(SIZES[size]), "--quiet"], timeout=timeout)
        rows.append(_row(size, "generator", "total", gen.seconds, gen.peak_mb, gen.ok, gen.detail[-300:]))
        if not gen.ok:
            return rows
    counts = json.loads((world / "world.json").read_text())["counts"]
    raw = link_world(world, work_root / size / "raw")
    builds = {"project": (PROJECT_DIR, work_root / size / "project", {})}
    if baseline is not None:
        builds["baseline"] = (baseline.path, work_root / size / f"baseline-{baseline.short}",
                              {"commit": baseline.commit})
    for _, work, _ in builds.values():
        shutil.rmtree(work, ignore_errors=True)  # the full build starts from nothing: no tables, no fit cache
    for label in PROJECT_RUNS:
        if label not in wanted:
            continue
        extra = {}
        if label == "project (+new batch)":  # the baseline's run after it reads the same batch
            extra["batch_lines"] = add_order_line_batch(raw, batch_percent)
        order = list(builds.items())
        if PROJECT_RUNS.index(label) % 2:  # ABBA: the baseline first every other kind of run
            order.reverse()
        for who, (project_dir, work, tag) in order:
            name = label if who == "project" else BASELINE_RUNS[label]
            load = _load()
            result, stages, path = _project(raw, work, timeout, name, project_dir)
            rows.append(_row(size, name, "total", result.seconds, result.peak_mb, result.ok,
                             "" if result.ok else result.detail[-500:], load=load, load_end=_load(),
                             cpu_s=result.cpu_s, left_behind=result.left_behind, **extra, **tag,
                             **({"critical_path": path} if path else {})))
            rows.extend(_row(size, name, stage, seconds, None, result.ok, **tag)
                        for stage, seconds in stages.items())
        if label == "project" and "spark local" in wanted:  # the same world on Spark, beside the DuckDB build
            if counts["order_lines"] > spark_max_lines:
                rows.append(_row(size, "spark local", "total", None, None, False,
                                 f"not run above {spark_max_lines:,} order lines (--spark-max-lines)"))
            else:
                load = _load()
                result, stages, path = _spark(raw, work_root / size / "spark", timeout)
                rows.append(_row(size, "spark local", "total", result.seconds, result.peak_mb, result.ok,
                                 "" if result.ok else result.detail[-500:], load=load, load_end=_load(),
                                 cpu_s=result.cpu_s, left_behind=result.left_behind,
                                 **({"critical_path": path} if path else {})))
                rows.extend(_row(size, "spark local", stage, seconds, None, result.ok)
                            for stage, seconds in stages.items())
    for approach in ("floor", "notebook"):
        if approach not in wanted:
            continue
        if approach == "notebook" and counts["order_lines"] > notebook_max_lines:
            rows.append(_row(size, approach, "total", None, None, False,
                             f"not run above {notebook_max_lines:,} order lines (--notebook-max-lines)"))
            continue
        load = _load()
        result, details = _run_json(approach, world, timeout)
        rows.append(_row(size, approach, "total", result.seconds, result.peak_mb, result.ok,
                         "" if result.ok else result.detail[-500:], load=load,
                         **{k: details[k] for k in ("k", "roc_auc") if k in details}))
        rows.extend(_row(size, approach, s["stage"], s["seconds"], s["peak_mb"], result.ok)
                    for s in details.get("stages", []))
    for row in rows:
        row.setdefault("order_lines", counts["order_lines"])
        row.setdefault("customers", counts["customers"])
    return rows


def run_bench(sizes: list[str], out_dir: Path, *, notebook_max_lines: int = 10_000_000,
              timeout: float | None = 3 * 3600, work_root: Path | None = None,
              runs: tuple[str, ...] = tuple(RUNS), baseline: str | None = None,
              spark_max_lines: int = SPARK_MAX_LINES) -> Path:
    """Measure ``runs`` at each size; ``baseline``: a commit to build side by side with the project."""
    work_root = work_root or PROJECT_DIR / "bench" / "worlds"
    meta = {"started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "load_start": _load(),
            "project_commit": baseline_commit.project_commit(PROJECT_DIR)}
    against = None
    if baseline:
        against = baseline_commit.prepare(baseline, PROJECT_DIR)
        meta["baseline"] = against.meta(PROJECT_DIR)
        if not {"project", "no-change", "new-batch"} & set(runs):
            raise ValueError("--baseline needs at least one of the project runs: project, no-change, new-batch")
    for folder in (PROJECT_DIR, *([against.path] if against else [])):  # no pip install inside a measured build
        dry = work_root / "dry-run"
        baseline_commit.check_no_setup(baseline_commit.build_command(folder, dry, dry),
                                       baseline_commit.build_env(folder, dry))
    rows: list[dict] = []
    for size in sizes:
        rows.extend(run_size(size, work_root, notebook_max_lines=notebook_max_lines, timeout=timeout, runs=runs,
                             baseline=against, spark_max_lines=spark_max_lines))
        _write(rows, out_dir, meta, final=False)  # a partial table survives an interrupted run
    meta["load_end"] = _load()
    return _write(rows, out_dir, meta, final=True)


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def summarize(rows: list[dict]) -> list[dict]:
    """One row per size: totals per approach, the ratios and the peak memory of each run."""
    totals = {(r["size"], r["approach"]): r for r in rows if r["stage"] == "total"}
    out = []
    for size in dict.fromkeys(r["size"] for r in rows if r["approach"] != "generator"):
        get = {a: totals.get((size, a), {})
               for a in (*PROJECT_RUNS, *BASELINE_RUNS.values(), "floor", "notebook", "spark local")}
        secs = {a: (r.get("seconds") if r.get("ok") else None) for a, r in get.items()}
        out.append({
            "size": size, "order_lines": get["project"].get("order_lines"),
            "project_s": secs["project"], "floor_s": secs["floor"], "notebook_s": secs["notebook"],
            "project_over_floor": _ratio(secs["project"], secs["floor"]),
            "notebook_over_project": _ratio(secs["notebook"], secs["project"]),
            "no_change_s": secs["project (no change)"], "new_batch_s": secs["project (+new batch)"],
            "project_peak_mb": max((get[a].get("peak_mb") or 0) for a in PROJECT_RUNS) or None,
            "baseline_s": secs["baseline"], "baseline_no_change_s": secs["baseline (no change)"],
            "baseline_new_batch_s": secs["baseline (+new batch)"],
            "project_over_baseline": _ratio(secs["project"], secs["baseline"]),
            "no_change_over_baseline": _ratio(secs["project (no change)"], secs["baseline (no change)"]),
            "new_batch_over_baseline": _ratio(secs["project (+new batch)"], secs["baseline (+new batch)"]),
            "no_change_over_full": _ratio(secs["project (no change)"], secs["project"]),
            "spark_s": secs["spark local"], "spark_over_duckdb": _ratio(secs["spark local"], secs["project"]),
            "baseline_no_change_over_full": _ratio(secs["baseline (no change)"], secs["baseline"]),
            "peak_mb": {a: r.get("peak_mb") for a, r in get.items() if r.get("ok")},
            "cpu_s": {a: r.get("cpu_s") for a, r in get.items() if r.get("ok")},
            "seconds": {a: s for a, s in secs.items() if s is not None},
        })
    return out


def baseline_lines(summary: list[dict], short: str = "") -> list[str]:
    """Per size: ``10M: project/baseline = 0.83 (...)`` (wall time) for the full build, the same for each rebuild
    that both ran, and the no-change rebuild / full build ratio of each; in brackets the ratio of CPU seconds
    (steadier than wall time when other jobs share the cores), the seconds and peak memory of every run."""
    lines = []
    name = f"baseline {short}".strip()
    for s in summary:
        label, secs, peaks, cpu = s["size"].upper(), s["seconds"], s["peak_mb"], s.get("cpu_s", {})

        def figures(run: str) -> str:
            spent = cpu.get(run)
            return (f"{secs[run]:.1f} s" + (f" ({spent:.1f} CPU s)" if spent is not None and spent == spent else "")
                    + f", peak {_fmt(peaks.get(run), ',.0f')} MB")

        for what, ours, theirs in BASELINE_PAIRS:
            if ours not in secs or theirs not in secs:
                continue
            ratio = _ratio(secs[ours], secs[theirs])
            known = [c for c in (cpu.get(ours), cpu.get(theirs)) if c is not None and c == c]  # not nan
            by_cpu = _ratio(*known) if len(known) == 2 else None
            prefix = "project/baseline" if what == "full build" else f"{what} project/baseline"
            lines.append(f"{label}: {prefix} = {ratio} ({what}"
                         + (f", CPU seconds {by_cpu}" if by_cpu is not None else "")
                         + f": project {figures(ours)}; {name} {figures(theirs)})")
        if s["no_change_over_full"] is not None or s["baseline_no_change_over_full"] is not None:
            lines.append(f"{label}: no-change rebuild / full build = {s['no_change_over_full']} (project), "
                         f"{s['baseline_no_change_over_full']} ({name})")
    return lines


def spark_lines(summary: list[dict]) -> list[str]:
    """Per size with both builds: ``1M: spark/duckdb = 5.1 (DuckDB make build 60.2 s; Spark local 307.0 s)``."""
    lines = []
    for s in summary:
        if s.get("spark_s") is None or s["project_s"] is None:
            continue
        cpu = s.get("cpu_s", {})
        spent = [c for c in (cpu.get("spark local"), cpu.get("project")) if c is not None and c == c]
        lines.append(f"{s['size'].upper()}: spark/duckdb = {s['spark_over_duckdb']} (DuckDB `make build` "
                     f"{s['project_s']:.1f} s, Spark local `make build DBT_TARGET=spark` {s['spark_s']:.1f} s"
                     + (f"; CPU seconds {_ratio(*spent)}" if len(spent) == 2 else "")
                     + f"; peak {_fmt(s['peak_mb'].get('project'), ',.0f')} MB and "
                     f"{_fmt(s['peak_mb'].get('spark local'), ',.0f')} MB)")
    return lines


def checks(summary: list[dict]) -> list[str]:
    """The issue's checks, each 'holds' / 'NOT MET (by how much)' / 'not measured'."""
    by_size = {s["size"]: s for s in summary}
    lines = []
    ten = by_size.get("10m")
    if ten and ten["project_over_floor"] is not None:
        r = ten["project_over_floor"]
        lines.append(f"10M: project/floor = {r} (target <= {MAX_PROJECT_OVER_FLOOR}): "
                     + ("holds" if r <= MAX_PROJECT_OVER_FLOOR else f"NOT MET ({r / MAX_PROJECT_OVER_FLOOR:.2f}x over)"))
    else:
        lines.append("10M: project/floor: not measured")
    if ten and ten["notebook_over_project"] is not None:
        r = ten["notebook_over_project"]
        lines.append(f"10M: notebook/project = {r} (target >= {MIN_NOTEBOOK_OVER_PROJECT}): "
                     + ("holds" if r >= MIN_NOTEBOOK_OVER_PROJECT
                        else f"NOT MET ({MIN_NOTEBOOK_OVER_PROJECT / r:.2f}x short)"))
    else:
        lines.append("10M: notebook/project: not measured")
    fifty = by_size.get("50m")
    if fifty and fifty["project_s"] is not None and fifty["project_peak_mb"]:
        peak = fifty["project_peak_mb"]
        lines.append(f"50M: project builds, peak {peak:,.0f} MB (target <= {MAX_PEAK_MB:,} MB): "
                     + ("holds" if peak <= MAX_PEAK_MB else f"NOT MET ({peak - MAX_PEAK_MB:,.0f} MB over)"))
    else:
        lines.append("50M: project build: not measured (or failed)")
    lines.append(_at_most(ten, "project_over_baseline", "10M: project/baseline", MAX_PROJECT_OVER_BASELINE,
                          " (--baseline)"))
    lines.append(_at_most(ten, "no_change_over_full", "10M: no-change rebuild / full build",
                          MAX_NO_CHANGE_OVER_FULL))
    return lines


def _at_most(row: dict | None, key: str, label: str, target: float, how: str = "") -> str:
    """One check line: ``row[key]`` against an upper target."""
    if not row or row.get(key) is None:
        return f"{label}: not measured{how}"
    r = row[key]
    return (f"{label} = {r} (target <= {target}): "
            + ("holds" if r <= target else f"NOT MET ({r / target:.2f}x over)"))


def _fmt(value, spec: str) -> str:
    return "" if value is None or value != value else format(value, spec)


def render(rows: list[dict], meta: dict) -> str:
    summary = summarize(rows)
    lines = [f"# custseg benchmark, started {meta.get('started', '')}", "",
             f"machine: {os.cpu_count()} cores, {_memory_gb()} GB RAM, Python {platform.python_version()}; "
             f"load average (1/5/15 min) at start {meta.get('load_start', '')}, at end {meta.get('load_end', '')} "
             "(other engineers' jobs share the 2 cores)", "",
             "## Summary", "",
             "| size | order lines | project s | floor s | notebook s | project/floor | notebook/project | "
             "no-change rebuild s | +new batch rebuild s | project peak MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in summary:
        lines.append(f"| {s['size']} | {_fmt(s['order_lines'], ',')} | {_fmt(s['project_s'], '.1f')} | "
                     f"{_fmt(s['floor_s'], '.1f')} | {_fmt(s['notebook_s'], '.1f')} | "
                     f"{_fmt(s['project_over_floor'], '')} | {_fmt(s['notebook_over_project'], '')} | "
                     f"{_fmt(s['no_change_s'], '.1f')} | {_fmt(s['new_batch_s'], '.1f')} | "
                     f"{_fmt(s['project_peak_mb'], ',.0f')} |")
    if "baseline" in meta or any(r["approach"] in BASELINE_RUNS.values() for r in rows):
        lines += ["", *render_baseline(summary, meta)]
    if any(r["approach"] == "spark local" for r in rows):
        lines += ["", "## DuckDB against Spark local", "",
                  "The same world built from nothing by `make build` (DuckDB, every model and test, publish, report) "
                  "and right after it by `make build DBT_TARGET=spark` (a local SparkSession, selector spark, "
                  "publish from the Spark tables' Parquet files).", "",
                  *([f"- {line}" for line in spark_lines(summary)] or ["- no Spark build finished"])]
    paths = [r for r in rows if r.get("critical_path")]
    if paths:
        lines += ["", "## Critical path", "",
                  "Per build, the chain of dbt nodes that decided when it ended (custseg.bench.critical_path: from "
                  "the last node back, the parent or parent's test that finished last), nodes of 1 s or more with "
                  "their start; then dbt's on-run-end hooks (publish, report).", "",
                  *[f"- {r['size']} {r['approach']}: {render_path(r['critical_path'])}" for r in paths]]
    lines += ["", "## Checks", "", *[f"- {c}" for c in checks(summary)], "",
              "## Stages", "",
              "dbt stages are summed node execution times (several dbt threads, so they can exceed the "
              "elapsed time); notebook/floor peak memory is the process high-water mark after each stage. CPU s: "
              "user + system seconds of the run's processes, those it never waited for included (the measuring "
              "wrapper waits for them, and says how many there were); the machine's other jobs move wall time more "
              "than CPU time.", "",
              "| size | order lines | customers | approach | stage | seconds | peak MB | CPU s | load at start "
              "| load at end | ok |",
              "|---|---:|---:|---|---|---:|---:|---:|---|---|---|"]
    for r in rows:
        ok = "yes" if r.get("ok") else "no: " + " ".join(str(r.get("detail", "")).split())[:120]
        lines.append(f"| {r['size']} | {_fmt(r.get('order_lines'), ',')} | {_fmt(r.get('customers'), ',')} | "
                     f"{r['approach']} | {r['stage']} | {_fmt(r.get('seconds'), '.1f')} | "
                     f"{_fmt(r.get('peak_mb'), ',.0f')} | {_cpu_cell(r)} | {r.get('load', '')} | "
                     f"{r.get('load_end', '')} | {ok} |")
    return "\n".join(lines) + "\n"


def _cpu_cell(row: dict) -> str:
    """A run's CPU seconds, and how many processes it never waited for they include."""
    left = row.get("left_behind") or 0
    return _fmt(row.get("cpu_s"), ".1f") + (f" (incl. {left} never waited for)" if left else "")


def render_baseline(summary: list[dict], meta: dict) -> list[str]:
    """The results file's section on the baseline: which commit, which venv, its ratio lines."""
    base = meta.get("baseline", {})
    short = base.get("short", "")
    lines = ["## Baseline", "",
             f"project: {meta.get('project_commit', '?')}, `make build` of the project folder; baseline: commit "
             f"{base.get('commit', '?')} (`--baseline {base.get('requested', '?')}`), `make build` of its worktree "
             f"{base.get('path', '?')} with its own package (PYTHONPATH=<worktree>/src) and "
             f"{base.get('venv_note', '?')}. "
             "Both read the same world; the runs of each kind came one after the other, the project first for the "
             "full build and the +new batch rebuild, the baseline first for the no-change rebuild (load average at the start and end of "
             "each run in the stages table).", ""]
    lines += [f"- {line}" for line in baseline_lines(summary, short)] or ["- no baseline run finished"]
    return lines


def _memory_gb() -> str:
    try:
        return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f}"
    except (ValueError, OSError, AttributeError):
        return "?"


def _write(rows: list[dict], out_dir: Path, meta: dict, final: bool) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = meta["started"].replace("-", "").replace(":", "")
    text = render(rows, meta)
    path = out_dir / f"bench-{stamp}.md"
    path.write_text(text)
    summary = summarize(rows)
    document = {"meta": meta, "summary": summary, "checks": checks(summary), "rows": rows,
                "spark_lines": spark_lines(summary)}
    if "baseline" in meta:
        document["baseline_lines"] = baseline_lines(summary, meta["baseline"].get("short", ""))
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps(document, indent=1, default=str) + "\n")
    if final:
        print(text)
    return path
