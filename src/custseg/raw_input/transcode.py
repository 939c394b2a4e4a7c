"""A UTF-8 copy of a raw file in a code page DuckDB's CSV reader cannot read itself.

DuckDB reads UTF-8, UTF-16 and latin-1; its ``encodings`` extension cannot be installed offline, and its latin-1
reader rejects the bytes 0x80-0x9F, where cp1252 (Windows "ANSI": most German and UK ERP exports) keeps the euro
sign, curly quotes and dashes. The reader of a user's export (``macros/staging/raw_csv.sql``) therefore reads such
a file through a copy: decoded in chunks (bounded memory), written as UTF-8 with every line end kept as it was, so
line ``n`` of the copy is line ``n`` of the file and every message and ``rejected_rows`` row still names the
original. The copy is named by the original's SHA-256 (``files.digest``), so it is made once per content and a
changed file never reuses a stale copy.
"""

from __future__ import annotations

import codecs
import gzip
import os
from pathlib import Path

from custseg.raw_input import files

CHUNK = 8 * 1024 * 1024


class UndecodableFile(ValueError):
    """A byte the declared code page does not define: the message names the file, the line and the fix."""


def utf8_copy(path: Path | str, encoding: str, out_dir: Path | str) -> str:
    """The path of a UTF-8 copy of ``path`` (gzip-compressed when it ends in ``.gz``) decoded as ``encoding``,
    made in ``out_dir`` unless a copy of the same content is there already."""
    path, out_dir = Path(path), Path(out_dir)
    digest = files.digest(path)
    if digest is None:
        raise FileNotFoundError(f"raw file '{path}' not found")
    target = out_dir / f"{digest}.{codecs.lookup(encoding).name}.csv"
    if target.exists():
        return str(target)
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    opener = gzip.open if path.name.endswith(".gz") else open
    line = 1
    with opener(path, "rb") as source, partial.open("w", encoding="utf-8", newline="") as copy:
        while True:
            chunk = source.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                bad = exc.object[exc.start]
                line += exc.object[:exc.start].count(b"\n")
                partial.unlink(missing_ok=True)
                raise UndecodableFile(
                    f"raw file '{path}' line {line}: byte 0x{bad:02X} is not a {encoding} character. Fix: export "
                    f"the file again as UTF-8, or set the mapping's encoding to the one it was written in."
                ) from None
            copy.write(text)
            line += text.count("\n")
            if not chunk:
                break
    os.replace(partial, target)
    return str(target)
