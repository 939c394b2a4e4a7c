"""Worker processes for the Python work of dbt's Python models (the fits, the Great Expectations run).

dbt-duckdb runs every Python model inside the dbt process, so the models on different dbt threads, and
dbt's own threads, share one interpreter lock. With ``CUSTSEG_WORKER_PROCESSES=N`` (the Makefile sets 2,
one per dbt thread) :func:`run_in_worker` runs a computation in one of N worker processes instead: at 10M
order lines the response fit took 70 s inside dbt beside the segmentation fits and the quality checks,
against 42 s in its own process with another fit busy on the other core, and the whole ``make build``
went from 157 s to 128 s. Unset or 0, everything runs in the calling thread (as the tests and the
benchmark's floor do).

Each computation gets a fresh worker, forked from a ``forkserver`` that has imported scikit-learn and the
fitting code ahead (so it starts in milliseconds), gets its inputs pickled and sends its result back pickled;
the worker then exits, and its memory is freed. The result is the
same as in-process: the same code, seeds and thread limits.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, TypeVar

ENV_VAR = "CUSTSEG_WORKER_PROCESSES"
# Imported once by the fork server, so each worker starts with them loaded (Great Expectations is not:
# only the worker that validates needs it, and importing it would delay the first fit).
# custseg._forkserver_main first: it stops each worker from running the parent's main script (dbt) again.
PRELOAD = ["custseg._forkserver_main", "custseg.response.fit", "custseg.segmentation.fit",
           "custseg.segmentation.population"]

T = TypeVar("T")
_POOL: ProcessPoolExecutor | None = None
_LOCK = threading.Lock()


def worker_processes() -> int:
    """The number of worker processes (``CUSTSEG_WORKER_PROCESSES``); 0 (unset) means the calling thread."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return 0
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"{ENV_VAR}={value!r}: expected a whole number of worker processes") from None
    if n < 0:
        raise ValueError(f"{ENV_VAR}={value!r}: expected 0 (run in-process) or more worker processes")
    return n


def _pool(n: int) -> ProcessPoolExecutor:
    global _POOL
    with _LOCK:
        if _POOL is None:
            import multiprocessing
            from multiprocessing import spawn

            context = multiprocessing.get_context("forkserver")
            # The main script path exactly as each worker will be told it (custseg._forkserver_main reads it).
            main_path = spawn.get_preparation_data("custseg-worker").get("init_main_from_path")
            if main_path:
                os.environ["CUSTSEG_WORKER_PARENT_MAIN"] = main_path
            context.set_forkserver_preload(PRELOAD)
            # One task per worker: a fresh fork of the server for each, so a finished fit's memory goes back to
            # the system at once instead of staying with an idle worker (it matters for the 8 GB at 50M lines).
            _POOL = ProcessPoolExecutor(max_workers=n, mp_context=context, max_tasks_per_child=1)
        return _POOL


def run_in_worker(compute: Callable[[], T]) -> T:
    """``compute()`` in a worker process when ``CUSTSEG_WORKER_PROCESSES`` is set, else in this thread.

    ``compute`` must then be picklable: a module-level function, or a ``functools.partial`` of one.
    An exception raised by ``compute`` is raised here.
    """
    n = worker_processes()
    if n == 0:
        return compute()
    return _pool(n).submit(compute).result()
