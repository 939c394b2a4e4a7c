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

The project reads a folder of links to the world (``bench/worlds/<size>/raw``) so the batch never touches
what (b) and (c) read. One table of wall time and peak memory per stage and approach, the ratios
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

from custseg.bench.measure import StageResult, run_stage
from custseg.dbt_runner import PROJECT_DIR

SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}
PROJECT_RUNS = ("project", "project (no change)", "project (+new batch)")
# Names for --runs: which measurements to take (all by default).
RUNS = {"project": "project", "no-change": "project (no change)", "new-batch": "project (+new batch)",
        "floor": "floor", "notebook": "notebook"}
# The issue's checks: at 10M lines project <= 1.5x floor and notebook >= 5x project; 50M peak <= 8 GB.
MAX_PROJECT_OVER_FLOOR, MIN_NOTEBOOK_OVER_PROJECT, MAX_PEAK_MB = 1.5, 5.0, 8 * 1024


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _approach_env() -> dict:
    """The notebook and the floor never use the project's fit cache."""
    return {k: v for k, v in os.environ.items() if k != "CUSTSEG_FIT_CACHE_DIR"}


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


def dbt_stage_seconds(target: Path) -> dict[str, float]:
    """Seconds per kind of dbt node (sql models, python models, seeds, dbt tests, the on-run-end hooks that
    publish the serving copy and the report) from run_results.json,
    plus ``dbt elapsed`` (wall time of the dbt command's run, without its start-up and parsing)."""
    run_results, manifest = target / "run_results.json", target / "manifest.json"
    if not (run_results.exists() and manifest.exists()):
        return {}
    nodes = json.loads(manifest.read_text())["nodes"]
    results = json.loads(run_results.read_text())
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


def _project(raw: Path, work: Path, timeout: float | None, label: str) -> tuple[StageResult, dict]:
    cmd = ["make", "-C", str(PROJECT_DIR), "build", "DATASET=sample", f"RAW_DATA_DIR={raw}",
           f"WAREHOUSE_DIR={work / 'warehouse'}", f"DBT_TARGET_PATH={work / 'target'}"]
    env = dict(os.environ, DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"))
    (work / "target" / "run_results.json").unlink(missing_ok=True)
    result = run_stage(label, cmd, env=env, timeout=timeout)
    stages = dbt_stage_seconds(work / "target") if result.ok else {}
    if "dbt elapsed" in stages:
        stages["dbt start-up"] = max(result.seconds - stages["dbt elapsed"], 0.0)
    return result, stages


def _row(size: str, approach: str, stage: str, seconds, peak_mb, ok: bool, detail: str = "", **extra) -> dict:
    return {"size": size, "approach": approach, "stage": stage, "seconds": seconds, "peak_mb": peak_mb,
            "ok": ok, "detail": detail, **extra}


def run_size(size: str, work_root: Path, *, notebook_max_lines: int, timeout: float | None,
             batch_percent: int = 1, runs: tuple[str, ...] = tuple(RUNS)) -> list[dict]:
    """The measurements ``runs`` (keys of RUNS) of one size, in the order they ran."""
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
    work = work_root / size / "project"
    shutil.rmtree(work, ignore_errors=True)  # the full build starts from nothing: no tables, no fit cache
    for label in PROJECT_RUNS:
        if label not in wanted:
            continue
        extra = {}
        if label == "project (+new batch)":
            extra["batch_lines"] = add_order_line_batch(raw, batch_percent)
        load = _load()
        result, stages = _project(raw, work, timeout, label)
        rows.append(_row(size, label, "total", result.seconds, result.peak_mb, result.ok,
                         "" if result.ok else result.detail[-500:], load=load, **extra))
        rows.extend(_row(size, label, stage, seconds, None, result.ok) for stage, seconds in stages.items())
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
              runs: tuple[str, ...] = tuple(RUNS)) -> Path:
    work_root = work_root or PROJECT_DIR / "bench" / "worlds"
    meta = {"started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "load_start": _load()}
    rows: list[dict] = []
    for size in sizes:
        rows.extend(run_size(size, work_root, notebook_max_lines=notebook_max_lines, timeout=timeout, runs=runs))
        _write(rows, out_dir, meta, final=False)  # a partial table survives an interrupted run
    meta["load_end"] = _load()
    return _write(rows, out_dir, meta, final=True)


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def summarize(rows: list[dict]) -> list[dict]:
    """One row per size: totals per approach, the two ratios and the project's peak memory."""
    totals = {(r["size"], r["approach"]): r for r in rows if r["stage"] == "total"}
    out = []
    for size in dict.fromkeys(r["size"] for r in rows if r["approach"] != "generator"):
        get = {a: totals.get((size, a), {}) for a in (*PROJECT_RUNS, "floor", "notebook")}
        secs = {a: (r.get("seconds") if r.get("ok") else None) for a, r in get.items()}
        out.append({
            "size": size, "order_lines": get["project"].get("order_lines"),
            "project_s": secs["project"], "floor_s": secs["floor"], "notebook_s": secs["notebook"],
            "project_over_floor": _ratio(secs["project"], secs["floor"]),
            "notebook_over_project": _ratio(secs["notebook"], secs["project"]),
            "no_change_s": secs["project (no change)"], "new_batch_s": secs["project (+new batch)"],
            "project_peak_mb": max((get[a].get("peak_mb") or 0) for a in PROJECT_RUNS) or None,
        })
    return out


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
    return lines


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
    lines += ["", "## Checks", "", *[f"- {c}" for c in checks(summary)], "",
              "## Stages", "",
              "dbt stages are summed node execution times (3 dbt threads, so they can exceed the elapsed time); "
              "notebook/floor peak memory is the process high-water mark after each stage.", "",
              "| size | order lines | customers | approach | stage | seconds | peak MB | load at start | ok |",
              "|---|---:|---:|---|---|---:|---:|---|---|"]
    for r in rows:
        ok = "yes" if r.get("ok") else "no: " + " ".join(str(r.get("detail", "")).split())[:120]
        lines.append(f"| {r['size']} | {_fmt(r.get('order_lines'), ',')} | {_fmt(r.get('customers'), ',')} | "
                     f"{r['approach']} | {r['stage']} | {_fmt(r.get('seconds'), '.1f')} | "
                     f"{_fmt(r.get('peak_mb'), ',.0f')} | {r.get('load', '')} | {ok} |")
    return "\n".join(lines) + "\n"


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
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1,
                                                            default=str) + "\n")
    if final:
        print(text)
    return path
