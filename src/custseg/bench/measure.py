"""Measure one stage: wall time and peak resident memory of a child process.

Each stage runs in its own child process, so the peak memory of one stage is not hidden
by another's. A stage can run several processes at once (e.g. a build and a baseline's), so the wrapper
samples the summed resident memory of every process under it (``/proc``, every 0.2 s) and reports the
larger of that high-water mark and ``ru_maxrss`` of its largest finished child. The sum counts pages
that forked processes share once per process, so it errs on the high side. It also reports the CPU
seconds (user + system) of the processes under it that were waited for: on a shared machine, wall time
moves with the other jobs' load, CPU time much less.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StageResult:
    stage: str
    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""
    cpu_s: float = float("nan")


def run_stage(stage: str, cmd: list[str], *, env: dict | None = None, cwd: str | None = None,
              timeout: float | None = None) -> StageResult:
    """Run ``cmd`` through a wrapper that reports the child's peak RSS; never raises on failure."""
    # This file as a script (-P: its folder not on sys.path), so a child environment whose PYTHONPATH names
    # another checkout (``--baseline``) is still measured by this wrapper, not by that checkout's.
    wrapper = [sys.executable, "-P", str(Path(__file__).resolve()), "--", *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(wrapper, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return StageResult(stage, time.perf_counter() - start, float("nan"), False, f"timed out after {timeout}s")
    seconds = time.perf_counter() - start
    peak_mb, cpu_s, tail = float("nan"), float("nan"), (proc.stdout[-1500:] + proc.stderr[-1500:])
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{\"peak_mb\""):
            figures = json.loads(line)
            peak_mb, cpu_s = figures["peak_mb"], figures.get("cpu_s", float("nan"))
            break
    return StageResult(stage, seconds, peak_mb, proc.returncode == 0, "" if proc.returncode == 0 else tail, cpu_s)


def tree_rss_kb(root: int) -> int:
    """Summed resident memory (kB) of ``root`` and every process below it (Linux ``/proc``)."""
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            fields = text[text.rindex(")") + 2:].split()
        except (OSError, ValueError):  # the process ended while we looked
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * page_kb
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def _main(argv: list[str]) -> int:
    cmd = argv[argv.index("--") + 1:]
    proc = subprocess.Popen(cmd, env=os.environ)
    tree_peak_kb = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak_kb
        while not done.wait(0.2):
            tree_peak_kb = max(tree_peak_kb, tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rc = proc.wait()
    done.set()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = max(tree_peak_kb, children.ru_maxrss)  # kB on Linux
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1),
                      "cpu_s": round(children.ru_utime + children.ru_stime, 1)}), flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
