"""A fit cache on disk: a fit whose inputs and code did not change is loaded instead of computed again.

Each dbt Python model does one computation. Some computations need a fitted scikit-learn object that another
model also fits from the same table (the refit response model is scored in Python by the check model
``response_scores_python`` and permuted by ``response_feature_importance``). Both call :func:`memoized` with
the same key, so the second one loads the pickle the first one wrote; without the cache each fits again and
gets the same result (every fit is deterministic). Nothing is passed between models except tables. A build
whose inputs did not change loads every fit (segmentation, response, the selection-aware estimate, CLV) and
Great Expectations' results (custseg.quality: the same sampled rows and suites give the same verdict).

Where: ``CUSTSEG_FIT_CACHE_DIR``, default ``<folder of CUSTSEG_DB_PATH>/fit_cache`` (``warehouse/fit_cache``
for the default profile), set to an empty string to turn the cache off. A file is named
``<kind>-<code hash>-<input hash>.pickle``: the code hash covers the custseg package's fitting code and the
versions of custseg and of the libraries that compute the results (``LIBRARIES``: numpy, scipy, scikit-learn,
Great Expectations), so a code or library change never reuses an old fit. A file that cannot be read
(truncated, corrupt, written by another version) is refitted with a warning naming it. The files are this
project's own pickles: do not point the variable at a folder others can write to. ``make clean`` removes them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import tempfile
import warnings
from pathlib import Path

from custseg import progress

ENV_VAR = "CUSTSEG_FIT_CACHE_DIR"
# The fitting (and validating) code whose change must invalidate a cached result.
CODE_PACKAGES = ("segmentation", "response", "clv", "quality")
# The libraries that compute the cached results (the fits, the CLV optimizer, Great Expectations' verdict), by
# distribution name: their installed versions are read from the package metadata, without importing them (a
# build that loads every result never imports Great Expectations, ~3 s with pyspark installed).
LIBRARIES = ("numpy", "scipy", "scikit-learn", "great_expectations")


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    folder = os.environ.get(ENV_VAR)
    if folder is None:
        db = os.environ.get("CUSTSEG_DB_PATH", "warehouse/sample.duckdb")
        return Path(db).parent / "fit_cache"
    return Path(folder) if folder else None


def _code_version() -> str:
    """Hash of the fitting code and the versions of custseg and of LIBRARIES."""
    import custseg

    versions = [getattr(custseg, "__version__", ""), *(importlib.metadata.version(name) for name in LIBRARIES)]
    h = hashlib.sha256("|".join(versions).encode())
    root = Path(custseg.__file__).parent
    for package in CODE_PACKAGES:
        for path in sorted((root / package).glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def fit_key(kind: str, frames, settings) -> str:
    """A fit's identity: a hash of its kind, its settings and every input row (column names and values).

    The rows' order does not count: a SQL table returns its rows in no fixed order (DuckDB inserts in
    parallel), so the row hashes are sorted before they are combined; every fit orders its input by key itself.
    """
    import numpy as np
    import pandas as pd

    h = hashlib.sha256(kind.encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for df in frames:
        h.update("|".join(map(str, df.columns)).encode())
        h.update(np.sort(pd.util.hash_pandas_object(df, index=False).to_numpy()).tobytes())
    return h.hexdigest()


def memoized(kind: str, key: str, compute):
    """``compute()``, or its pickled result from an earlier call with the same ``kind``, ``key`` and code.
    A fit prints a progress line at least every 15 s (custseg.progress, in dbt's log style)."""
    folder = cache_dir()
    if folder is None:
        return _fit(kind, compute)
    path = folder / f"{kind}-{_code_version()}-{key[:32]}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                result = pickle.load(handle)
            progress.say(f"fit {kind}: loaded from the fit cache ({path.name})")
            return result
        except Exception as exc:  # noqa: BLE001 - any unreadable file is refitted, never fatal
            warnings.warn(f"fit cache file {path} cannot be read ({type(exc).__name__}: {exc}); fitting again "
                          f"and replacing it", RuntimeWarning, stacklevel=2)
    result = _fit(kind, compute)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)  # atomic: a concurrent build never reads half a file
    return result


def _fit(kind: str, compute):
    with progress.heartbeat(f"fit {kind}"):
        return compute()
