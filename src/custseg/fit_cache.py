"""A fit cache on disk, so a rebuild whose model inputs did not change does not fit again.

The dbt Python models already share one fit per build in memory, keyed by a hash of the input rows
and the settings. With ``CUSTSEG_FIT_CACHE_DIR`` set (the Makefile sets it to
``$(WAREHOUSE_DIR)/fit_cache/$(DATASET)``), the fitted result is also pickled there under that key plus
the versions of custseg, scikit-learn and the fitting code itself, and later builds load it instead of
fitting: the fits are deterministic, so the tables are identical. Unset, nothing is written. The files
are this project's own pickles: do not point the variable at a folder others can write to.

With ``CUSTSEG_WORKER_PROCESSES`` set, the fit itself runs in a worker process (:mod:`custseg.workers`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from custseg.frozen_heap import frozen_heap
from custseg.workers import run_in_worker

ENV_VAR = "CUSTSEG_FIT_CACHE_DIR"

# In-process memory of recent fits (dbt-duckdb runs every Python model in the dbt process): one lock per
# key, so models of one fit wait for it while a different fit (another dbt thread) runs at the same time.
_MEMORY: OrderedDict[str, object] = OrderedDict()
_KEY_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
MEMORY_SIZE = 8


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


def load_or_compute(package: str, key: str, compute, in_worker: bool = True):
    """``compute()``, or its pickled result from an earlier build with the same ``key`` and code.

    ``in_worker``: run ``compute`` through :func:`custseg.workers.run_in_worker`; False for a computation
    that hands its own parts to the workers (the response model's candidates).
    """
    run = run_in_worker if in_worker else (lambda compute: compute())
    folder = os.environ.get(ENV_VAR)
    if not folder:
        return run(compute)
    path = Path(folder) / f"{package}-{_code_version(package)}-{key[:32]}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)
    result = run(compute)
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


def shared_fit(package: str, key: str, compute, in_worker: bool = True):
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
            result = load_or_compute(package, key, compute, in_worker)
        with _GUARD:
            _MEMORY[key] = result
            while len(_MEMORY) > MEMORY_SIZE:
                _MEMORY.popitem(last=False)
            _KEY_LOCKS.pop(key, None)
        return result
