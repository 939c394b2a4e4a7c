"""Measure one stage: wall time and peak resident memory of a child process.

Each stage runs in its own child process, so the peak memory of one stage is not hidden
by another's: ``ru_maxrss`` of the finished children of a fresh wrapper is that stage's peak.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class StageResult:
    stage: str
    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""


def run_stage(stage: str, cmd: list[str], *, env: dict | None = None, cwd: str | None = None,
              timeout: float | None = None) -> StageResult:
    """Run ``cmd`` through a wrapper that reports the child's peak RSS; never raises on failure."""
    wrapper = [sys.executable, "-m", "custseg.bench.measure", "--", *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(wrapper, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return StageResult(stage, time.perf_counter() - start, float("nan"), False, f"timed out after {timeout}s")
    seconds = time.perf_counter() - start
    peak_mb, tail = float("nan"), (proc.stdout[-1500:] + proc.stderr[-1500:])
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{\"peak_mb\""):
            peak_mb = json.loads(line)["peak_mb"]
            break
    return StageResult(stage, seconds, peak_mb, proc.returncode == 0, "" if proc.returncode == 0 else tail)


def _main(argv: list[str]) -> int:
    cmd = argv[argv.index("--") + 1:]
    rc = subprocess.run(cmd, env=os.environ).returncode
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1)}), flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
