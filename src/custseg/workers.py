"""Worker processes for the Python work of dbt's Python models (the fits, the Great Expectations run).

dbt-duckdb runs every Python model inside the dbt process, so the models on different dbt threads, and
dbt's own threads, share one interpreter lock. With ``CUSTSEG_WORKER_PROCESSES=N`` (the Makefile sets 2,
one per core) :func:`run_in_worker` runs a computation in one of N worker processes instead: at 10M
order lines the response fit took 70 s inside dbt beside the segmentation fits and the quality checks,
against 42 s in its own process with another fit busy on the other core, and the whole ``make build``
went from 157 s to 128 s. Unset or 0, everything runs in the calling thread (as the tests and the
benchmark's floor do).

Each computation gets a fresh worker, forked from a ``forkserver`` that has imported scikit-learn and the
fitting code ahead (so it starts in milliseconds), gets its inputs pickled and sends its result back pickled;
the worker then exits, and its memory is freed. The result is the
same as in-process: the same code, seeds and thread limits. :func:`map_in_workers` runs the parts of one
computation (the response model's candidates) as separate tasks; whole computations go first.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import Callable, Iterable, TypeVar

ENV_VAR = "CUSTSEG_WORKER_PROCESSES"
# Imported once by the fork server, so each worker starts with them loaded (Great Expectations is not:
# only the worker that validates needs it, and importing it would delay the first fit).
# custseg._forkserver_main first: it stops each worker from running the parent's main script (dbt) again.
PRELOAD = ["custseg._forkserver_main", "custseg.response.fit", "custseg.segmentation.fit",
           "custseg.segmentation.population"]

T = TypeVar("T")
I = TypeVar("I")
_POOL: _Dispatcher | None = None
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


# Task priorities: whole fits (and the GE run) go before the response model's candidate tasks, which are
# short and many, so the two processes end together: a whole fit that arrives while candidate tasks wait starts
# next, instead of running alone at the end (the population fit, 16 s, did at 10M order lines).
WHOLE, PART = 0, 1


class _Dispatcher:
    """Feeds ``pool`` at most ``n`` tasks at a time, the waiting ones by (priority, arrival)."""

    def __init__(self, pool: ProcessPoolExecutor, n: int):
        self._pool, self._free = pool, n
        self._waiting: list[tuple[int, int, Callable, Future]] = []
        self._arrivals = itertools.count()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[], T], priority: int) -> Future:
        outer: Future = Future()
        with self._lock:
            heapq.heappush(self._waiting, (priority, next(self._arrivals), fn, outer))
            started = self._start_waiting()
        self._watch(started)
        return outer

    def _start_waiting(self) -> list[tuple[Future, Future]]:  # with self._lock held
        started = []
        while self._free and self._waiting:
            _, _, fn, outer = heapq.heappop(self._waiting)
            if not outer.set_running_or_notify_cancel():
                continue  # cancelled while it waited
            try:
                inner = self._pool.submit(fn)
            except Exception as exc:  # e.g. a broken pool: the waiting caller gets the error, never a hang
                outer.set_exception(exc)
                continue
            self._free -= 1
            started.append((outer, inner))
        return started

    def _watch(self, started: list[tuple[Future, Future]]) -> None:
        """Pass each started task's result on when it ends. Called without the lock held: a task that has already
        ended runs ``_finished`` here and now, and ``_finished`` takes the lock (holding it here deadlocked the
        caller when a short task ended before this line, as a loaded machine showed)."""
        for outer, inner in started:
            inner.add_done_callback(partial(self._finished, outer))

    def shutdown(self) -> None:
        """Cancel the waiting tasks and stop the processes (after the running tasks end)."""
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for _, _, _, outer in waiting:
            outer.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _finished(self, outer: Future, inner: Future) -> None:
        with self._lock:
            self._free += 1
            started = self._start_waiting()
        self._watch(started)
        error = inner.exception()
        if error is None:
            outer.set_result(inner.result())
        else:
            outer.set_exception(error)


def _pool(n: int) -> _Dispatcher:
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
            _POOL = _Dispatcher(ProcessPoolExecutor(max_workers=n, mp_context=context, max_tasks_per_child=1), n)
        return _POOL


def start_early() -> None:
    """Start the fork server now, if ``CUSTSEG_WORKER_PROCESSES`` is set, instead of at the first task.

    The server imports scikit-learn and the fitting code (~4 s on one core) in its own process, so the caller
    goes on at once. ``make build`` calls this before dbt parses the project (custseg.dbt_cli): dbt's parse
    keeps one core busy for ~12 s and the other idle, and the first fit then starts without waiting for it.
    """
    n = worker_processes()
    if n == 0:
        return
    from multiprocessing import forkserver

    _pool(n)  # sets the preload list first
    forkserver.ensure_running()


def shutdown() -> None:
    """Stop the worker processes, if any started; a later task starts new ones.

    Python stops them at exit by itself; a caller that ends with ``os._exit`` (custseg.dbt_cli) must call
    this first: an idle worker waits for tasks forever, and keeps the fork server and the caller's output
    pipe open.
    """
    global _POOL
    with _LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown()


def map_in_workers(fn: Callable[[I], T], items: Iterable[I]) -> list[T]:
    """``[fn(item) for item in items]``, each call a task of the worker processes when
    ``CUSTSEG_WORKER_PROCESSES`` is set (they run side by side, and beside the other models' tasks), else
    one after the other in this thread. The results come in the order of ``items``; ``fn`` and the items
    must then be picklable. The first exception raised by a call is raised here.

    The response model cross-validates its candidates this way: six tasks of 5-14 s instead of one of 40 s,
    so the two processes stay busy to the end of the fits instead of one waiting for the longest fit.
    """
    n = worker_processes()
    if n == 0:
        return [fn(item) for item in items]
    pool = _pool(n)
    futures = [pool.submit(partial(fn, item), PART) for item in items]
    try:
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()  # after a failure: the tasks that did not start yet are dropped


def run_in_worker(compute: Callable[[], T]) -> T:
    """``compute()`` in a worker process when ``CUSTSEG_WORKER_PROCESSES`` is set, else in this thread.

    ``compute`` must then be picklable: a module-level function, or a ``functools.partial`` of one.
    An exception raised by ``compute`` is raised here.
    """
    n = worker_processes()
    if n == 0:
        return compute()
    return _pool(n).submit(compute, WHOLE).result()
