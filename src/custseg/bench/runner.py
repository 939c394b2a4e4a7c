"""``custseg bench``: the three approaches side by side, at several sizes, in one run.

For each size (order lines) the sample world is generated once (kept under ``bench/work``),
then measured in child processes, one after the other:

(a) project   ``make build`` (dbt build with every test, quality checks, report, publish)
    project (no change)   the same build again with no new data (incremental models skip work)
(b) notebook  pandas cleaning and features, then the same scikit-learn fits
(c) floor     one DuckDB query for cleaning and features, then the same fits

The table of wall time and peak memory per stage and approach, with the ratios
project/floor and notebook/project, is printed and written to ``bench/results/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

from custseg.bench.measure import StageResult, run_stage
from custseg.dbt_runner import PROJECT_DIR

SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}


def _run_json(name: str, raw: Path, timeout: float | None) -> tuple[StageResult, dict]:
    """Run one approach; return the whole-process figures and its own per-stage JSON."""
    import subprocess
    import time

    wrapper = [sys.executable, "-m", "custseg.bench.measure", "--",
               sys.executable, "-m", "custseg.bench.approach", name, str(raw)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(wrapper, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return StageResult(name, time.perf_counter() - start, float("nan"), False, "timed out"), {}
    seconds = time.perf_counter() - start
    details, peak = {}, float("nan")
    for line in proc.stdout.splitlines():
        if line.startswith('{"approach"'):
            details = json.loads(line)
        elif line.startswith('{"peak_mb"'):
            peak = json.loads(line)["peak_mb"]
    return StageResult(name, seconds, peak, proc.returncode == 0, proc.stderr[-1500:]), details


def _project(raw: Path, work: Path, timeout: float | None, label: str) -> tuple[StageResult, dict]:
    cmd = ["make", "-C", str(PROJECT_DIR), "build", "DATASET=sample", f"RAW_DATA_DIR={raw}",
           f"WAREHOUSE_DIR={work / 'warehouse'}"]
    env = dict(os.environ, DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"))
    result = run_stage(label, cmd, env=env, timeout=timeout)
    stages: dict[str, float] = {}
    run_results, manifest = work / "target" / "run_results.json", work / "target" / "manifest.json"
    if result.ok and run_results.exists() and manifest.exists():
        nodes = json.loads(manifest.read_text())["nodes"]
        for node in json.loads(run_results.read_text())["results"]:
            uid = node["unique_id"]
            if uid.startswith(("test.", "unit_test.")):
                kind = "dbt tests"
            elif uid.startswith("seed."):
                kind = "seeds"
            elif nodes.get(uid, {}).get("language") == "python":
                kind = "python models"
            else:
                kind = "sql models"
            stages[kind] = stages.get(kind, 0.0) + float(node.get("execution_time") or 0.0)
    return result, stages


def run_bench(sizes: list[str], out_dir: Path, *, notebook_max_lines: int = 10_000_000,
              timeout: float | None = 3 * 3600) -> Path:
    from custseg.generate import WorldSpec, generate_world

    work_root = PROJECT_DIR / "bench" / "work"
    rows = []
    for size in sizes:
        n = SIZES[size]
        raw = work_root / size / "data"
        if not (raw / "world.json").exists():
            gen = run_stage("generate", [sys.executable, "-m", "custseg.cli", "generate", "--out", str(raw),
                                         "--order-lines", str(n), "--quiet"])
            rows.append({"size": size, "approach": "generator", "stage": "generate", "seconds": gen.seconds,
                         "peak_mb": gen.peak_mb, "ok": gen.ok})
        counts = json.loads((raw / "world.json").read_text())["counts"]
        work = work_root / size / "project"
        for label in ("project", "project (no change)"):
            result, stages = _project(raw, work, timeout, label)
            rows.append({"size": size, "approach": label, "stage": "total", "seconds": result.seconds,
                         "peak_mb": result.peak_mb, "ok": result.ok, "detail": result.detail[-500:]})
            for stage, seconds in sorted(stages.items()):
                rows.append({"size": size, "approach": label, "stage": stage, "seconds": seconds,
                             "peak_mb": None, "ok": result.ok})
        for approach in ("floor", "notebook"):
            if approach == "notebook" and counts["order_lines"] > notebook_max_lines:
                rows.append({"size": size, "approach": approach, "stage": "total", "seconds": None,
                             "peak_mb": None, "ok": False,
                             "detail": f"not run above {notebook_max_lines:,} order lines (--notebook-max-lines)"})
                continue
            result, details = _run_json(approach, raw, timeout)
            rows.append({"size": size, "approach": approach, "stage": "total", "seconds": result.seconds,
                         "peak_mb": result.peak_mb, "ok": result.ok, "detail": result.detail[-500:] if not result.ok else ""})
            for stage in details.get("stages", []):
                rows.append({"size": size, "approach": approach, **stage, "ok": result.ok})
        for row in rows:
            row.setdefault("order_lines", counts["order_lines"])
            row.setdefault("customers", counts["customers"])
    return _write(rows, out_dir)


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def _write(rows: list[dict], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    totals = {(r["size"], r["approach"]): r for r in rows if r["stage"] == "total"}
    lines = [f"# custseg benchmark {stamp}", "",
             f"machine: {os.cpu_count()} cores, Python {platform.python_version()}", "",
             "| size | order lines | customers | approach | stage | seconds | peak MB | ok |",
             "|---|---:|---:|---|---|---:|---:|---|"]
    for r in rows:
        secs = "" if r.get("seconds") is None else f"{r['seconds']:.1f}"
        peak = "" if r.get("peak_mb") in (None,) or r["peak_mb"] != r["peak_mb"] else f"{r['peak_mb']:.0f}"
        lines.append(f"| {r['size']} | {r.get('order_lines', ''):,} | {r.get('customers', ''):,} | {r['approach']} | "
                     f"{r['stage']} | {secs} | {peak} | {'yes' if r.get('ok') else 'no ' + r.get('detail', '')[:80]} |")
    lines += ["", "| size | project s | floor s | notebook s | project/floor | notebook/project | "
              "no-change rebuild s | project peak MB |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in dict.fromkeys(r["size"] for r in rows):
        p, f, n, p2 = (totals.get((size, a), {}) for a in ("project", "floor", "notebook", "project (no change)"))
        lines.append(f"| {size} | {p.get('seconds') or 0:.1f} | {f.get('seconds') or 0:.1f} | "
                     f"{(n.get('seconds') or 0):.1f} | {_ratio(p.get('seconds'), f.get('seconds'))} | "
                     f"{_ratio(n.get('seconds'), p.get('seconds'))} | {(p2.get('seconds') or 0):.1f} | "
                     f"{p.get('peak_mb') or 0:.0f} |")
    text = "\n".join(lines) + "\n"
    path = out_dir / f"bench-{stamp}.md"
    path.write_text(text)
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps(rows, indent=1, default=str) + "\n")
    print(text)
    return path
