"""Publish a read-only serving copy of the public tables after a successful build.

Why a copy: a DuckDB file open for writing can't be opened by any other process, and a reader blocks
the writer. BI tools therefore read ``serving/<dataset>.duckdb``, which the build never opens:

1. every public table is copied into a new file in the serving folder (same file system);
2. the new file is opened read-only, and the Parquet exports are written: each table's from it, and each
   public view of the build (order_lines: 10M rows at 10M order lines) once, as its Parquet export, straight
   from the build (storing it as a table too took 17 CPU-seconds more). An optional side task reads the new
   file meanwhile (``make build`` renders the report there: it needs the tables, not the views, so it starts
   with the largest export instead of after it);
3. the views are created in the file, over their Parquet exports and with the dbt descriptions, as in the
   build; the file is flushed to disk and made read-only;
4. ``os.replace`` swaps it in: one atomic rename. A reader that has the old file open keeps reading the
   old tables (its open file lives on until it closes it), and sees the new ones when it reconnects.

The copy being replaced stays as ``serving/<dataset>.previous.duckdb``, to compare two builds.
The Parquet exports go the same way: a new folder ``serving/.<dataset>.parquet-<n>/`` is written in full,
then the symbolic link ``serving/<dataset>`` is swapped to it atomically. The previous folder is kept (a
reader may be part way through it, and the views of ``<dataset>.previous.duckdb`` read it); older ones are
removed. A served view names its Parquet file by absolute path, in the folder published with it: a copy of
the serving file moved elsewhere keeps its tables, but its views need that folder.

Nothing is touched until every table was copied: a failure leaves the last good copy in place.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from custseg.serving.public_tables import PublicTable, public_tables


@dataclass(frozen=True)
class PublishResult:
    duckdb_path: Path
    parquet_dir: Path
    row_counts: dict[str, int]
    seconds: float
    bytes: int
    side_result: Any = None  # what ``while_exporting`` returned, if given


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_tables_exist(con: duckdb.DuckDBPyConnection, tables: list[PublicTable], db_path: Path) -> None:
    built = {(schema, name) for schema, name in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'build' and table_type in ('BASE TABLE', 'VIEW')").fetchall()}
    missing = [f"{t.schema}.{t.name}" for t in tables if (t.schema, t.name) not in built]
    if missing:
        raise RuntimeError(f"{db_path}: public tables listed in the dbt manifest are not in the database: "
                           f"{', '.join(missing)} (did the dbt build of this data set succeed?)")


def _copy_table(con: duckdb.DuckDBPyConnection, table: PublicTable) -> int:
    """Copy one table into the serving file, with its dbt descriptions; return its row count."""
    source = f"build.{_ident(table.schema)}.{_ident(table.name)}"
    target = f"main.{_ident(table.name)}"
    con.execute(f"create table {target} as select * from {source}")
    _comment(con, table, "table", target)
    return con.execute(f"select count(*) from {target}").fetchone()[0]


def _comment(con: duckdb.DuckDBPyConnection, table: PublicTable, kind: str, target: str) -> None:
    if table.description:
        con.execute(f"comment on {kind} {target} is {_literal(table.description)}")
    present = {col[0] for col in con.execute(f"select * from {target} limit 0").description}
    for column, description in table.columns.items():
        if description and column in present:
            con.execute(f"comment on column {target}.{_ident(column)} is {_literal(description)}")


def _export_view(con: duckdb.DuckDBPyConnection, table: PublicTable, parquet_dir: Path) -> int:
    """Write a public view of the build (``con``'s database) to ``parquet_dir/<name>.parquet``; return its
    row count."""
    source = f"{_ident(table.schema)}.{_ident(table.name)}"
    parquet_file = parquet_dir / f"{table.name}.parquet"
    con.execute(f"copy (select * from {source}) to {_literal(str(parquet_file))} (format parquet)")
    return con.execute(f"select count(*) from read_parquet({_literal(str(parquet_file))})").fetchone()[0]


def _serve_view(con: duckdb.DuckDBPyConnection, table: PublicTable, parquet_dir: Path) -> None:
    """Create the view over a public view's Parquet export in the serving copy, with its dbt descriptions."""
    target = f"main.{_ident(table.name)}"
    parquet_file = _literal(str(parquet_dir / f"{table.name}.parquet"))
    con.execute(f"create view {target} as select * from read_parquet({parquet_file})")
    _comment(con, table, "view", target)


def _export_parquet(con: duckdb.DuckDBPyConnection, table: PublicTable, parquet_dir: Path) -> None:
    """Write one table of the new serving copy to ``parquet_dir/<name>.parquet``."""
    source = f"main.{_ident(table.name)}"
    parquet_file = parquet_dir / f"{table.name}.parquet"
    con.execute(f"copy (select * from {source}) to {_literal(str(parquet_file))} (format parquet)")


def _largest_first(con: duckdb.DuckDBPyConnection, tables: list[PublicTable], database: str,
                   in_build: bool) -> list[PublicTable]:
    """``tables`` largest first, by their size in ``database`` (the build, where they are in their dbt schemas,
    or the serving copy, where they are all in main)."""
    sizes = {f"{schema}.{name}": size for schema, name, size in con.execute(
        "select schema_name, table_name, estimated_size from duckdb_tables() where database_name = ?",
        [database]).fetchall()}
    # Views have no size estimate; the one public view of the build (order_lines) is the largest table.
    sizes.update({f"{schema}.{name}": float("inf") for schema, name in con.execute(
        "select schema_name, view_name from duckdb_views() where database_name = ?", [database]).fetchall()})
    schema_of = (lambda t: t.schema) if in_build else (lambda t: "main")
    return sorted(tables, key=lambda t: (-sizes.get(f"{schema_of(t)}.{t.name}", 0), t.name))


def _side_by_side(con: duckdb.DuckDBPyConnection, tables: list[PublicTable],
                  work: Callable[[duckdb.DuckDBPyConnection, PublicTable], Any], workers: int = 2) -> dict[str, Any]:
    """``work(cursor, table)`` for every table, ``workers`` at a time (one cursor each), in the given order.

    One big table (the clean order lines) dominates, so it goes first and the others run beside it. Each task
    is its own transaction on its own table or file: the result does not depend on the interleaving.
    """
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(table: PublicTable) -> tuple[str, Any]:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
            with lock:
                cursors.append(local.cursor)
        return table.name, work(local.cursor, table)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(pool.map(run, tables))
    finally:
        for cursor in cursors:
            cursor.close()


def _keep_previous(final_db: Path, previous_db: Path) -> None:
    """Keep the copy being replaced as ``<dataset>.previous.duckdb`` (a hard link: no bytes copied), so that
    two builds can be compared (analyses/segment_migration.sql)."""
    if final_db.is_file():
        tmp_link = previous_db.with_name(f".{previous_db.name}.tmp-{os.getpid()}")
        tmp_link.unlink(missing_ok=True)
        os.link(final_db, tmp_link)
        os.replace(tmp_link, previous_db)


def _swap_parquet_link(serving_dir: Path, dataset: str, new_dir: Path) -> Path:
    link = serving_dir / dataset
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


def _memory_limit() -> str:
    return os.environ.get("CUSTSEG_DUCKDB_MEMORY_LIMIT", "5GB")


def publish(db_path: Path | str, manifest_path: Path | str, serving_dir: Path | str, dataset: str,
            while_exporting: Callable[[Path], Any] | None = None) -> PublishResult:
    """Copy the public tables of ``db_path`` to ``serving_dir/<dataset>.duckdb`` and ``serving_dir/<dataset>/``.

    ``while_exporting(path)``, if given, runs in a thread while the Parquet files are written, with the path
    of the new serving copy (not yet swapped in, open read-only: its tables are complete, its views are added
    after the Parquet exports); what it returns is ``side_result``.
    If it raises, nothing is swapped in and the error is raised here.
    """
    started = time.perf_counter()
    db_path, serving_dir = Path(db_path).resolve(), Path(serving_dir).resolve()
    if not db_path.is_file():
        raise FileNotFoundError(f"built warehouse not found: {db_path}")
    tables = public_tables(manifest_path)
    if not tables:
        raise RuntimeError(f"{manifest_path}: no public tables in the dbt manifest")
    serving_dir.mkdir(parents=True, exist_ok=True)

    stamp = f"{time.time_ns()}-{os.getpid()}"
    tmp_db = serving_dir / f".{dataset}.duckdb.tmp-{stamp}"
    new_parquet_dir = serving_dir / f".{dataset}.parquet-{stamp}"
    final_db = serving_dir / f"{dataset}.duckdb"
    side_result = None
    try:
        new_parquet_dir.mkdir()
        views = [t for t in tables if t.is_view]
        copies = [t for t in tables if not t.is_view]
        con = duckdb.connect(str(tmp_db))
        try:
            # The same bound as the build (profiles.yml): larger copies stream or spill instead of growing.
            con.execute(f"set memory_limit = {_literal(_memory_limit())}")
            con.execute(f"attach {_literal(str(db_path))} as build (read_only)")
            _check_tables_exist(con, tables, db_path)
            counts = _side_by_side(con, _largest_first(con, copies, "build", in_build=True), _copy_table)
            con.execute("detach build")
            con.execute("checkpoint")
        finally:
            con.close()
        # The views' exports read the build through a connection of their own: the side task, which shares
        # the serving copy's database instance, then sees the serving copy alone.
        with duckdb.connect(str(db_path), read_only=True) as build_con, \
                duckdb.connect(str(tmp_db), read_only=True) as con:
            for connection in (con, build_con):
                connection.execute(f"set memory_limit = {_literal(_memory_limit())}")
            build_catalog = build_con.execute("select current_database()").fetchone()[0]
            serving_catalog = con.execute("select current_database()").fetchone()[0]

            def export(cursor: duckdb.DuckDBPyConnection, table: PublicTable) -> int:
                if not table.is_view:
                    _export_parquet(cursor, table, new_parquet_dir)
                    return counts[table.name]
                view_cursor = build_con.cursor()
                try:
                    return _export_view(view_cursor, table, new_parquet_dir)
                finally:
                    view_cursor.close()

            with ThreadPoolExecutor(max_workers=1) as side:
                pending = side.submit(while_exporting, tmp_db) if while_exporting else None
                exports = (_largest_first(build_con, views, build_catalog, in_build=True)
                           + _largest_first(con, copies, serving_catalog, in_build=False))
                counts.update(_side_by_side(con, exports, export))
                side_result = pending.result() if pending else None
        if views:
            with duckdb.connect(str(tmp_db)) as con:
                for table in views:
                    _serve_view(con, table, new_parquet_dir)
                con.execute("checkpoint")
        _fsync(tmp_db)
        os.chmod(tmp_db, 0o444)
        counts = {name: counts[name] for name in sorted(counts)}
        _keep_previous(final_db, serving_dir / f"{dataset}.previous.duckdb")
        os.replace(tmp_db, final_db)
        _fsync(serving_dir)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        Path(f"{tmp_db}.wal").unlink(missing_ok=True)
        shutil.rmtree(new_parquet_dir, ignore_errors=True)
        raise
    link = _swap_parquet_link(serving_dir, dataset, new_parquet_dir)
    size = final_db.stat().st_size + sum(f.stat().st_size for f in new_parquet_dir.iterdir())
    return PublishResult(duckdb_path=final_db, parquet_dir=link, row_counts=counts,
                         seconds=time.perf_counter() - started, bytes=size, side_result=side_result)
