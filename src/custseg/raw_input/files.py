"""A raw file's identity is its content: its size and the SHA-256 of its bytes, so any change to a file already
loaded (a middle line's quantity changed in place, another export under the same name) is seen before anything
is merged into the incremental tables (``macros/staging/raw_file_identity.sql``). A file that only grew (lines
appended) keeps the digest of its first ``n`` bytes, so appended data stays incremental.

Why SHA-256 in Python: it reads the file in 8 MB chunks (bounded memory whatever the size; DuckDB's
``md5(content)`` over ``read_blob`` holds a whole file in memory) at ~750 MB/s with the CPU's SHA instructions
(md5 ~420 MB/s), and hashlib releases Python's lock while it hashes, so dbt's other threads keep working.
A digest is computed once per process for a file of a given size and modification time: the check before the
build and the record after it share it.

A gzip file is decompressed to the end once, which verifies every member's CRC-32 and length (DuckDB's reader
does not), so a flipped bit stops the build naming the file instead of loading a wrong value.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import zlib
from pathlib import Path

CHUNK = 8 * 1024 * 1024
_memo: dict[tuple, str | None] = {}
_lock = threading.Lock()


def _stamp(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def _memoized(key: tuple, compute):
    with _lock:
        if key in _memo:
            return _memo[key]
    value = compute()
    with _lock:
        _memo[key] = value
    return value


def file_bytes(path: Path | str) -> int | None:
    """The size of ``path`` in bytes, or None when there is no such file."""
    stamp = _stamp(Path(path))
    return None if stamp is None else stamp[1]


def digest(path: Path | str, length: int | None = None) -> str | None:
    """SHA-256 (hex) of the first ``length`` bytes of ``path`` (every byte when ``length`` is None or negative);
    None when the file is missing or shorter than ``length``."""
    path = Path(path)
    stamp = _stamp(path)
    if stamp is None:
        return None
    size = stamp[1]
    wanted = size if length is None or length < 0 else length
    if wanted > size:
        return None

    def compute() -> str:
        h = hashlib.sha256()
        left = wanted
        with path.open("rb") as handle:
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    raise OSError(f"{path}: ended after {wanted - left} of {wanted} bytes while hashing")
                h.update(chunk)
                left -= len(chunk)
        return h.hexdigest()

    return _memoized(("digest", *stamp, wanted), compute)


def gzip_problem(path: Path | str) -> str | None:
    """None when ``path`` is a sound gzip file (every member's CRC-32 and length verified by decompressing it to
    the end, in chunks); otherwise what is wrong with it, in a few words."""
    path = Path(path)
    stamp = _stamp(path)
    if stamp is None:
        return "file not found"

    def compute() -> str | None:
        try:
            with gzip.open(path, "rb") as handle:
                while handle.read(CHUNK):
                    pass
        except (OSError, EOFError, zlib.error) as exc:  # CRC and length failures are BadGzipFile (an OSError)
            return str(exc) or type(exc).__name__
        return None

    return _memoized(("gzip", *stamp), compute)
