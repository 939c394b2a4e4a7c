"""The file half of publishing the serving copy, which dbt's on-run-end hook runs after a successful build
(``macros/serving/publish_serving_copy.sql``; the profile's plugin, :mod:`custseg.serving.dbt_plugin`, makes
:func:`begin` and :func:`finish` SQL functions of dbt's own connection).

Why a copy: a DuckDB file open for writing can't be opened by any other connection or process (dbt holds the
build database so for the whole build), and a reader would block the writer. BI tools therefore read
``<warehouse>/serving/<dataset>.duckdb``, which the build never opens for writing:

1. :func:`begin` makes the serving folder, removes what an interrupted publish left there and names a new file
   in it, ``.<dataset>.duckdb.tmp-<stamp>``;
2. the hook's SQL, on dbt's connection, attaches that file, copies every public model into it as a table with
   dbt's descriptions as comments, and detaches it (a public view of the build, order_lines, is a table there);
3. :func:`finish` opens the new file read-only and writes the Parquet export of each table, into a new folder
   ``serving/.<dataset>.parquet-<stamp>/``; the report is rendered from the new file meanwhile. The file is
   flushed to disk and made read-only, and ``os.replace`` swaps it in: one atomic rename. A reader that has the
   old file open keeps reading the old tables (its open file lives on until it closes it), and sees the new ones
   when it reconnects. Then the report replaces ``<warehouse>/reports/<dataset>.html``, and the symbolic link
   ``serving/<dataset>`` is swapped to the new Parquet folder, also atomically.

The copy being replaced stays as ``serving/<dataset>.previous.duckdb``, to compare two builds; the previous
Parquet folder is kept too (a reader may be part way through it); older ones are removed.
Nothing is replaced until every table was copied and exported and the report rendered: a failure leaves the
last good copy and report in place.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from custseg.progress import Beat, heartbeat

TMP_MARK = ".duckdb.tmp-"


@dataclass(frozen=True)
class ServingPaths:
    """Where a build database's serving copy, Parquet folder and report go: beside it, in the warehouse folder."""

    dataset: str
    warehouse_dir: Path

    @classmethod
    def of(cls, db_path: Path | str, dataset: str) -> ServingPaths:
        return cls(dataset, Path(db_path).resolve().parent)

    @property
    def serving_dir(self) -> Path:
        return self.warehouse_dir / "serving"

    @property
    def serving_db(self) -> Path:
        return self.serving_dir / f"{self.dataset}.duckdb"

    @property
    def previous_db(self) -> Path:
        return self.serving_dir / f"{self.dataset}.previous.duckdb"

    @property
    def parquet_link(self) -> Path:
        return self.serving_dir / self.dataset

    @property
    def report(self) -> Path:
        return self.warehouse_dir / "reports" / f"{self.dataset}.html"

    @property
    def published(self) -> Path:
        """What the serving copy in place was published from (:func:`record_published`)."""
        return self.serving_dir / f"{self.dataset}.published.json"


@dataclass(frozen=True)
class PublishResult:
    duckdb_path: Path
    parquet_dir: Path
    row_counts: dict[str, int]
    seconds: float
    bytes: int
    report: Path | None = None
    report_errors: list[str] = field(default_factory=list)  # "<section>: <message>" of failed report sections


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _memory_limit() -> str:
    return os.environ.get("CUSTSEG_DUCKDB_MEMORY_LIMIT", "5GB")


def _remove_db(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


# A publish prints a progress line at least every 15 s, in dbt's log style, from begin() (the hook's SQL copy of
# the tables runs between the two calls) to the end of finish(): one heartbeat per new serving file.
_HEARTBEATS: dict[str, tuple[ExitStack, Beat]] = {}


def _start_heartbeat(new_db: Path, dataset: str) -> Beat:
    stack = ExitStack()
    beat = stack.enter_context(heartbeat(f"publishing the serving copy of {dataset}"))
    _HEARTBEATS[str(new_db)] = (stack, beat)
    return beat


def _stop_heartbeat(new_db: Path) -> None:
    stack, _ = _HEARTBEATS.pop(str(new_db), (None, None))
    if stack is not None:
        stack.close()


def abandon(new_db: Path | str) -> None:
    """An interrupted publish of ``new_db`` (from :func:`begin`, never finished): its progress lines stop and its
    new file, if the hook made it, is removed. The next :func:`begin` of the data set does this for a publish
    its process left; a process that ends takes its own with it."""
    _stop_heartbeat(Path(new_db))
    _remove_db(Path(new_db))


def _preload_report() -> None:
    importlib.import_module("custseg.report.build")
    importlib.import_module("custseg.report.assets").vega_bundle()


def begin(db_path: Path | str, dataset: str) -> Path:
    """Make the serving folder of ``db_path``'s warehouse, remove new files an interrupted publish of
    ``dataset`` left there, and return the path of the new serving file (not created: the hook attaches it).

    The report's imports (altair, jinja2: ~2 s) and its inlined Vega bundle start loading in a thread, while the
    hook copies the tables.
    """
    paths = ServingPaths.of(db_path, dataset)
    paths.serving_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(paths)
    threading.Thread(target=_preload_report, daemon=True).start()
    prefix = str(paths.serving_dir / f".{dataset}{TMP_MARK}")
    for abandoned in [key for key in _HEARTBEATS if key.startswith(prefix)]:  # a publish that never finished
        abandon(abandoned)
    new_db = paths.serving_dir / f".{dataset}{TMP_MARK}{time.time_ns()}-{os.getpid()}"
    _start_heartbeat(new_db, dataset).stage = "copying the public tables into the new file"
    return new_db


def _stamp_pid(name: str) -> int | None:
    """The process id that ends a publish's temporary name (``...-<time_ns>-<pid>[.wal]``), or None."""
    tail = name.removesuffix(".wal").rpartition("-")[2]
    return int(tail) if tail.isdigit() else None


def _is_publishing(pid: int | None) -> bool:
    """Whether process ``pid`` may still be publishing: alive, and not this one (a process publishes one copy at
    a time, so its own leftovers are from a publish that ended)."""
    if pid is None or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale(paths: ServingPaths) -> list[Path]:
    """Remove what killed publishes of ``paths.dataset`` left: new serving files (and their ``.wal``) and pending
    reports whose process is gone. A publish still running in another process (its id ends the names) keeps its
    files; the Parquet folders are pruned by the link swap. Returns what was removed."""
    removed: list[Path] = []
    candidates = [*paths.serving_dir.glob(f".{paths.dataset}{TMP_MARK}*"),
                  *paths.report.parent.glob(f".{paths.report.name}.publishing-*")]
    for stale in candidates:
        if not _is_publishing(_stamp_pid(stale.name)):
            stale.unlink(missing_ok=True)
            removed.append(stale)
    return removed


def _tables_largest_first(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the serving file, largest first: the big one (the order lines) starts first and the
    others are exported beside it."""
    return [name for name, in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "order by estimated_size desc, table_name").fetchall()]


def _export(cursor: duckdb.DuckDBPyConnection, table: str, parquet_dir: Path) -> int:
    """Write one table of the serving file to ``parquet_dir/<table>.parquet``; return its row count."""
    parquet_file = _literal(str(parquet_dir / f"{table}.parquet"))
    cursor.execute(f"copy (select * from main.{_ident(table)}) to {parquet_file} (format parquet)")
    return cursor.execute(f"select count(*) from main.{_ident(table)}").fetchone()[0]


def _export_all(con: duckdb.DuckDBPyConnection, tables: list[str], parquet_dir: Path,
                workers: int = 2) -> dict[str, int]:
    """Every table's Parquet export, ``workers`` at a time (one cursor each); its row count by name."""
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(table: str) -> tuple[str, int]:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
            with lock:
                cursors.append(local.cursor)
        return table, _export(local.cursor, table, parquet_dir)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(pool.map(run, tables))
    finally:
        for cursor in cursors:
            cursor.close()


def _render_report(new_db: Path, paths: ServingPaths, pending: Path) -> list[str]:
    from custseg.report.build import build_report

    result = build_report(new_db, paths.dataset, pending, source=paths.serving_db.name)
    return [f"{failed.section.key}: {failed.message}" for failed in result.errors]


def _keep_previous(paths: ServingPaths) -> None:
    """Keep the copy being replaced as ``<dataset>.previous.duckdb`` (a hard link: no bytes copied), so that
    two builds can be compared (analyses/segment_migration.sql)."""
    if paths.serving_db.is_file():
        tmp_link = paths.previous_db.with_name(f".{paths.previous_db.name}.tmp-{os.getpid()}")
        tmp_link.unlink(missing_ok=True)
        os.link(paths.serving_db, tmp_link)
        os.replace(tmp_link, paths.previous_db)


def _swap_parquet_link(paths: ServingPaths, new_dir: Path) -> Path:
    link, serving_dir, dataset = paths.parquet_link, paths.serving_dir, paths.dataset
    if link.exists() and not link.is_symlink():  # a plain folder from elsewhere: move it aside once
        link.rename(serving_dir / f".{dataset}.parquet-replaced-{time.time_ns()}")
    tmp_link = serving_dir / f".{dataset}.link-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(new_dir.name, target_is_directory=True)
    previous = link.resolve() if link.is_symlink() else None
    os.replace(tmp_link, link)
    keep = {new_dir.resolve(), previous}
    for old in serving_dir.glob(f".{dataset}.parquet-*"):
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return link


def _code_version() -> str:
    """Hash of the code that writes the serving copy, its Parquet folder and the report."""
    import custseg

    h = hashlib.sha256(getattr(custseg, "__version__", "").encode())
    root = Path(custseg.__file__).parent
    for path in sorted([*(root / "serving").rglob("*.py"), *(root / "report").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _full_fingerprint(fingerprint: str) -> str:
    return hashlib.sha256(f"{fingerprint}|{_code_version()}".encode()).hexdigest()


def is_current(db_path: Path | str, dataset: str, fingerprint: str) -> dict[str, Any]:
    """Whether the serving copy in place, its Parquet folder and the report were published from tables with this
    ``fingerprint`` (the hook's hash of every public table's rows, descriptions and the storage version) by this
    code: then a build that changed nothing publishes nothing. ``{"current": bool, "published_at": ...}``."""
    paths = ServingPaths.of(db_path, dataset)
    try:
        recorded = json.loads(paths.published.read_text())
    except (OSError, ValueError):
        return {"current": False}
    present = paths.serving_db.is_file() and paths.parquet_link.is_dir() and paths.report.is_file()
    current = present and recorded.get("fingerprint") == _full_fingerprint(fingerprint)
    return {"current": bool(current), "published_at": recorded.get("published_at")}


def record_published(db_path: Path | str, dataset: str, fingerprint: str, result: PublishResult) -> None:
    """Write ``serving/<dataset>.published.json``: the fingerprint the copy in place was published from, when,
    and its row counts (atomically, after the swap)."""
    paths = ServingPaths.of(db_path, dataset)
    record = {"dataset": dataset, "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "fingerprint": _full_fingerprint(fingerprint), "row_counts": result.row_counts}
    pending = paths.published.with_name(f".{paths.published.name}.{os.getpid()}")
    pending.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    os.replace(pending, paths.published)


def finish(new_db: Path | str, db_path: Path | str, dataset: str, *, report: bool = True,
           fingerprint: str | None = None) -> PublishResult:
    """Export, flush and swap in ``new_db`` (from :func:`begin`, filled by the hook) as the serving copy of
    ``db_path``'s warehouse, with its Parquet folder and, if ``report``, the HTML report rendered from it.

    On any failure the new file, its Parquet folder and the pending report are removed and the error is
    raised; the last good copy and report stay. A report section that fails is not a failure here: the
    report is written with that section's error (as ``python -m custseg.report`` does), and the section
    is listed in ``report_errors``.

    With a ``fingerprint`` (the hook's, see :func:`is_current`) and no failed report section, the copy is recorded as
    published from it; otherwise any record is removed, so that the next build publishes again.
    """
    new_db = Path(new_db)
    try:
        result = _finish(new_db, db_path, dataset, report=report)
    finally:
        _stop_heartbeat(new_db)
    if fingerprint and not result.report_errors:
        record_published(db_path, dataset, fingerprint, result)
    else:
        ServingPaths.of(db_path, dataset).published.unlink(missing_ok=True)
    return result


def _finish(new_db: Path, db_path: Path | str, dataset: str, *, report: bool) -> PublishResult:
    started = time.perf_counter()
    paths = ServingPaths.of(db_path, dataset)
    beat = _HEARTBEATS.get(str(new_db), (None, None))[1] or _start_heartbeat(new_db, dataset)
    stamp = new_db.name.rpartition(TMP_MARK)[2] or str(time.time_ns())
    new_parquet_dir = paths.serving_dir / f".{dataset}.parquet-{stamp}"
    pending_report = paths.report.with_name(f".{paths.report.name}.publishing-{stamp}")
    report_errors: list[str] = []
    try:
        if not new_db.is_file():
            raise FileNotFoundError(f"new serving file not found: {new_db}")
        new_parquet_dir.mkdir()
        with duckdb.connect(str(new_db), read_only=True) as con:
            # The same bound as the build (profiles.yml): large exports stream or spill instead of growing.
            con.execute(f"set memory_limit = {_literal(_memory_limit())}")
            tables = _tables_largest_first(con)
            if not tables:
                raise RuntimeError(f"{new_db}: no tables to publish")
            beat.stage = f"exporting {len(tables)} tables to Parquet" + (" and rendering the report" if report else "")
            with ThreadPoolExecutor(max_workers=1) as side:
                rendering = side.submit(_render_report, new_db, paths, pending_report) if report else None
                counts = _export_all(con, tables, new_parquet_dir)
                report_errors = rendering.result() if rendering else []
        beat.stage = "swapping in the new copy"
        _fsync(new_db)
        os.chmod(new_db, 0o444)
        _keep_previous(paths)
        os.replace(new_db, paths.serving_db)
        _fsync(paths.serving_dir)
        if report:
            os.replace(pending_report, paths.report)  # only once the new copy is in place
    except BaseException:
        _remove_db(new_db)
        shutil.rmtree(new_parquet_dir, ignore_errors=True)
        raise
    finally:
        pending_report.unlink(missing_ok=True)
    link = _swap_parquet_link(paths, new_parquet_dir)
    size = paths.serving_db.stat().st_size + sum(f.stat().st_size for f in new_parquet_dir.iterdir())
    return PublishResult(duckdb_path=paths.serving_db, parquet_dir=link,
                         row_counts={name: counts[name] for name in sorted(counts)},
                         seconds=time.perf_counter() - started, bytes=size,
                         report=paths.report if report else None, report_errors=report_errors)


def summary(result: PublishResult) -> dict[str, Any]:
    """What the hook logs of a publish."""
    return {"serving_db": str(result.duckdb_path), "parquet_dir": str(result.parquet_dir),
            "tables": len(result.row_counts), "rows": sum(result.row_counts.values()), "bytes": result.bytes,
            "seconds": round(result.seconds, 2), "report": str(result.report) if result.report else None,
            "report_errors": result.report_errors}
