"""The raw folder the project builds from in the benchmark, and a small "new data" batch for it.

The project reads a folder of links to the generated world (``link_world``), so the benchmark can
add a new Parquet part of order lines to it (``add_order_line_batch``) without touching the world
the notebook approach and the floor read. The batch is a deterministic ~``percent`` % of the
existing purchase invoices replayed one day after the last order (new invoice numbers), the way a
daily export appends new orders: it changes the as-of date and every feature, so the rebuild after
it does real work (incremental models append, fits run again).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

BATCH_FILE = "part-99999-new-batch.parquet"


def link_world(world: Path, linked: Path) -> Path:
    """``linked``/<table>/<part> symlinks to every file of the generated ``world``; removes an old batch."""
    world, linked = Path(world).resolve(), Path(linked)
    if linked.exists():
        shutil.rmtree(linked)
    for source in sorted(world.rglob("*")):
        if source.is_file():
            target = linked / source.relative_to(world)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    return linked


def add_order_line_batch(linked: Path, percent: int = 1) -> int:
    """Write ``order_lines/BATCH_FILE`` into ``linked``; returns its number of lines."""
    if not 1 <= percent <= 100:
        raise ValueError(f"percent must be 1..100, got {percent}")
    folder = Path(linked) / "order_lines"
    parts = sorted(str(p) for p in folder.glob("part-*.parquet") if p.name != BATCH_FILE)
    if not parts:
        raise FileNotFoundError(f"no order_lines/part-*.parquet in {linked}")
    out = folder / BATCH_FILE
    con = duckdb.connect()
    con.execute("set threads = 1")  # the row order of the file must not depend on threads
    con.execute(f"""
        copy (
            with lines as (select * from read_parquet({parts!r}, filename = true, file_row_number = true)),
            last_day as (select max(invoice_date) as last_at from lines)
            select * exclude (filename, file_row_number) replace (
                'N' || invoice_no as invoice_no,
                cast(cast(last_at as date) + 1 as timestamp) + (invoice_date - date_trunc('day', invoice_date))
                    as invoice_date)
            from lines cross join last_day
            where invoice_no not like 'C%' and hash(invoice_no) % 100 < {int(percent)}
            order by filename, file_row_number
        ) to '{out}' (format parquet)""")
    return int(con.sql(f"select count(*) from read_parquet('{out}')").fetchall()[0][0])
