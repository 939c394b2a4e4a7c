"""A fit cache on disk, so a rebuild whose model inputs did not change does not fit again.

The dbt Python models already share one fit per build in memory, keyed by a hash of the input rows
and the settings. With ``CUSTSEG_FIT_CACHE_DIR`` set (the Makefile sets it to
``$(WAREHOUSE_DIR)/fit_cache/$(DATASET)``), the fitted result is also pickled there under that key plus
the versions of custseg, scikit-learn and the fitting code itself, and later builds load it instead of
fitting: the fits are deterministic, so the tables are identical. Unset, nothing is written. The files
are this project's own pickles: do not point the variable at a folder others can write to.

With ``CUSTSEG_FIT_PROCESSES=N`` (the Makefile sets 2 for dbt builds) a fit runs in one of N worker
processes instead of the calling thread. Inside dbt every Python model and every other dbt thread share
one interpreter lock: at 10M order lines the response fit took 70 s beside the segmentation fits and the
quality checks, against 42 s in its own process with another fit busy on the other core. The workers
start once per process (``forkserver``, with scikit-learn imported ahead), get the fit's inputs pickled
and send the result back pickled; the result is the same as in-process (the same code, seeds and
thread limits).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from custseg.frozen_heap import frozen_heap

ENV_VAR = "CUSTSEG_FIT_CACHE_DIR"
PROCESSES_ENV_VAR = "CUSTSEG_FIT_PROCESSES"
# Imported once by the worker processes' fork server, so each worker starts with them loaded.
WORKER_PRELOAD = ["custseg.response.fit", "custseg.segmentation.fit", "custseg.segmentation.population"]

# In-process memory of recent fits (dbt-duckdb runs every Python model in the dbt process): one lock per
# key, so models of one fit wait for it while a different fit (another dbt thread) runs at the same time.
_MEMORY: OrderedDict[str, object] = OrderedDict()
_KEY_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
MEMORY_SIZE = 8
_POOL: ProcessPoolExecutor | None = None


def fit_processes() -> int:
    """Worker processes for fits (``CUSTSEG_FIT_PROCESSES``); 0 (unset) fits in the calling thread."""
    value = os.environ.get(PROCESSES_ENV_VAR, "").strip()
    if not value:
        return 0
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"{PROCESSES_ENV_VAR}={value!r}: expected a whole number of worker processes") from None
    if n < 0:
        raise ValueError(f"{PROCESSES_ENV_VAR}={value!r}: expected 0 (fit in-process) or more workers")
    return n


def _worker_pool(n: int) -> ProcessPoolExecutor:
    global _POOL
    with _GUARD:
        if _POOL is None:
            import multiprocessing

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(WORKER_PRELOAD)
            _POOL = ProcessPoolExecutor(max_workers=n, mp_context=context)
        return _POOL


def run_fit(compute):
    """``compute()`` in a worker process when ``CUSTSEG_FIT_PROCESSES`` is set, else in this thread.

    ``compute`` must then be picklable: a module-level function, or a ``functools.partial`` of one.
    """
    n = fit_processes()
    if n == 0:
        return compute()
    return _worker_pool(n).submit(compute).result()


def _code_version(package: str) -> str:
    """Hash of the package's Python files and library versions: a code change never reuses an old fit."""
    import sklearn

    import custseg

    h = hashlib.sha256(f"{getattr(custseg, '__version__', '')}|{sklearn.__version__}".encode())
    root = Path(custseg.__file__).parent / package
    for path in sorted(root.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load_or_compute(package: str, key: str, compute):
    """``compute()``, or its pickled result from an earlier build with the same ``key`` and code."""
    folder = os.environ.get(ENV_VAR)
    if not folder:
        return run_fit(compute)
    path = Path(folder) / f"{package}-{_code_version(package)}-{key[:32]}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)
    result = run_fit(compute)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)  # atomic: a concurrent build never reads half a file
    return result


def fit_key(kind: str, frames, settings) -> str:
    """A fit's identity: a hash of its kind, its settings and every input row (column names, values, order)."""
    import json

    import numpy as np
    import pandas as pd

    h = hashlib.sha256(kind.encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for df in frames:
        h.update("|".join(map(str, df.columns)).encode())
        h.update(np.ascontiguousarray(pd.util.hash_pandas_object(df, index=False).to_numpy()).tobytes())
    return h.hexdigest()


def shared_fit(package: str, key: str, compute):
    """The fit for ``key``: from memory, else from the disk cache, else ``compute()`` (then remembered).

    Threads asking for the same key wait for one computation; threads with different keys do not wait
    for each other.
    """
    with _GUARD:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _MEMORY[key]
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _GUARD:
            if key in _MEMORY:
                return _MEMORY[key]
        with frozen_heap():  # in dbt: the collector skips dbt's own objects during the fit
            result = load_or_compute(package, key, compute)
        with _GUARD:
            _MEMORY[key] = result
            while len(_MEMORY) > MEMORY_SIZE:
                _MEMORY.popitem(last=False)
            _KEY_LOCKS.pop(key, None)
        return result
