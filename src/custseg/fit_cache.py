"""A fit cache on disk, so a rebuild whose model inputs did not change does not fit again.

The dbt Python models already share one fit per build in memory, keyed by a hash of the input rows
and the settings. With ``CUSTSEG_FIT_CACHE_DIR`` set (the Makefile sets it to
``$(WAREHOUSE_DIR)/fit_cache/$(DATASET)``), the fitted result is also pickled there under that key plus
the versions of custseg, scikit-learn and the fitting code itself, and later builds load it instead of
fitting: the fits are deterministic, so the tables are identical. Unset, nothing is written. The files
are this project's own pickles: do not point the variable at a folder others can write to.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

ENV_VAR = "CUSTSEG_FIT_CACHE_DIR"


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
        return compute()
    path = Path(folder) / f"{package}-{_code_version(package)}-{key[:32]}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)
    result = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)  # atomic: a concurrent build never reads half a file
    return result
