"""Measure one stage: wall time and peak resident memory of a child process.

Each stage runs in its own child process, so the peak memory of one stage is not hidden
by another's. A stage can run several processes at once (e.g. a build and a baseline's), so the wrapper
samples the summed resident memory of every process under it (``/proc``, every 0.2 s) and reports the
larger of that high-water mark and ``ru_maxrss`` of its largest finished child. The sum counts pages
that forked processes share once per process, so it errs on the high side. It also reports the CPU
seconds (user + system) of every process under it: on a shared machine, wall time moves with the other jobs'
load, CPU time much less. On Linux the wrapper is a child subreaper (``prctl``): a process under the command
that nobody waited for (still running or ended, e.g. a worker pool whose parent ended without waiting for it, as
older commits' builds did) becomes the wrapper's child when its parent ends, and the wrapper waits for it, up to
``LEFT_BEHIND_GRACE_S`` after the command ended (then stops it), so its CPU seconds count too. The stage's seconds
stay the command's own, and the number of those processes is reported.
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
    left_behind: int = 0  # processes under the command that it did not wait for (their CPU is in cpu_s)


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
    peak_mb, cpu_s, left, tail = float("nan"), float("nan"), 0, (proc.stdout[-1500:] + proc.stderr[-1500:])
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{\"peak_mb\""):
            figures = json.loads(line)
            peak_mb, cpu_s = figures["peak_mb"], figures.get("cpu_s", float("nan"))
            seconds, left = figures.get("seconds", seconds), figures.get("left_behind", 0)
            break
    return StageResult(stage, seconds, peak_mb, proc.returncode == 0, "" if proc.returncode == 0 else tail, cpu_s,
                       left)


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


# How long the wrapper waits for the processes a command left behind before it stops them.
LEFT_BEHIND_GRACE_S = 60.0
_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    """Make this process the one that orphans below it are handed to (Linux); False where that is not possible."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap_left_behind(grace_s: float) -> int:
    """Wait for every remaining child (the orphans handed to this subreaper, running or ended), stopping those still
    running after ``grace_s``; return how many there were."""
    import signal

    deadline, reaped, stopped = time.monotonic() + grace_s, 0, False
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no children left
            return reaped
        if pid:
            reaped += 1
            continue
        if not stopped and time.monotonic() > deadline:
            for child in _children(os.getpid()):
                try:
                    os.kill(child, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            stopped = True
        time.sleep(0.05)


def _children(parent: int) -> list[int]:
    """The pids whose parent is ``parent`` (Linux ``/proc``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            if int(text[text.rindex(")") + 2:].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def _main(argv: list[str]) -> int:
    cmd = argv[argv.index("--") + 1:]
    subreaper = _become_subreaper()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=os.environ)
    tree_peak_kb = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak_kb
        while not done.wait(0.2):
            # From this wrapper down (minus its own memory): orphans handed to it are counted too.
            own = tree_rss_kb(os.getpid()) - _own_rss_kb()
            tree_peak_kb = max(tree_peak_kb, own if subreaper else tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rc = proc.wait()
    seconds = time.perf_counter() - start
    left = _reap_left_behind(LEFT_BEHIND_GRACE_S) if subreaper else 0
    done.set()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = max(tree_peak_kb, children.ru_maxrss)  # kB on Linux
    print(json.dumps({"peak_mb": round(peak_kb / 1024, 1), "cpu_s": round(children.ru_utime + children.ru_stime, 1),
                      "seconds": round(seconds, 3), "left_behind": left}), flush=True)
    return rc


def _own_rss_kb() -> int:
    """This process's resident memory (kB)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
