"""An incremental build after new order-line files gives the same tables as a full build of the same files.

Two kinds of new files: a later day (the benchmark's batch: every as-of date moves, so the per-customer
incremental features, macros/features/incremental_by_customer.sql, recompute every customer), and new
invoices inside the loaded dates (the as-of dates stay: only the customers with new lines are recomputed).

The new files hold new invoices (the benchmark's batch), exact copies of lines loaded before, and a line
repeated inside the new file: the incremental duplicate check (against the loaded lines) and the full
build's (over every line) must flag the same lines, and the incremental totals and features must equal
the full build's.
"""

from __future__ import annotations

import duckdb
import pytest

from custseg.bench.batch import add_order_line_batch
from custseg.dbt_runner import run_dbt
from custseg.generate import WorldSpec, generate_world

pytestmark = pytest.mark.slow

SELECT = ["--select", "+customer_features", "+customer_rfm", "+rejected_rows", "--indirect-selection", "cautious"]
TABLES = {
    "int_order_lines__classified": "source_file, source_row",
    "order_lines": "source_file, source_row",
    "rejected_rows": "entity, source_file, source_row",
    "int_order_line_totals": "source_file, customer_id, invoice_id, ordered_at, sales_channel, product_category",
    "int_customer_order_metrics": "snapshot_name, customer_id",
    "int_customer_order_activity": "snapshot_name, customer_id, activity_type, source_key",
    "int_customer_activity_by_key": "snapshot_name, customer_id, activity_type, activity_key",
    "customer_features": "customer_id",
    "customer_rfm": "customer_id",
}


def _build(raw, root, args=()):
    run_dbt("build", dataset="sample", raw_data_dir=raw, db_path=root / "wh.duckdb", target_path=root / "target",
            args=[*SELECT, *args])


def _write_part(raw, name: str, select: str) -> None:
    """A new order-lines file raw/order_lines/<name> holding the rows of ``select`` over ``loaded`` (the loaded
    files' lines with filename and file_row_number, in file order)."""
    folder = raw / "order_lines"
    con = duckdb.connect()
    con.execute("set threads = 1")
    con.execute(f"""
        copy (
            with loaded as (
                select * from read_parquet('{folder}/part-0*.parquet', filename = true, file_row_number = true)
                order by filename, file_row_number
            )
            {select}
        ) to '{folder / name}' (format parquet)""")
    con.close()


def _add_repeats(raw) -> int:
    """A new file: 20 lines copied exactly from the loaded files, the first of them twice."""
    _write_part(raw, "part-99999-repeats.parquet", """,
        picked as (
            select * exclude (filename, file_row_number), file_row_number as n
            from loaded where invoice_no not like 'C%' order by filename, file_row_number limit 20
        )
        select * exclude (n) from (select * from picked union all (select * from picked order by n limit 1))
        order by n""")
    return 21


def _rows(db, table, order):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(f"select * from {table} order by {order}").fetchall()
    finally:
        con.close()


def test_incremental_build_after_new_files_equals_full_build(tmp_path):
    raw = tmp_path / "raw"
    generate_world(WorldSpec(customers=300, seed=3), raw, progress=False)
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    _build(raw, incremental)
    batch_lines = add_order_line_batch(raw, 5)
    repeats = _add_repeats(raw)
    assert batch_lines > 0
    _build(raw, incremental)  # incremental: only the new files' lines are classified and summed
    _build(raw, full)  # an empty database: a full build of the same files

    for table, order in TABLES.items():
        assert _rows(incremental / "wh.duckdb", table, order) == _rows(full / "wh.duckdb", table, order), table

    con = duckdb.connect(str(incremental / "wh.duckdb"), read_only=True)
    flagged = con.execute("""
        select count(*) filter (where is_exact_duplicate), count(*)
        from int_order_lines__classified where source_file = 'order_lines/part-99999-repeats.parquet'""").fetchone()
    con.close()
    assert flagged == (repeats, repeats)  # every copied line is a duplicate of a loaded one (or of its twin)


def _add_invoices_inside_loaded_dates(raw) -> int:
    """A new file: 30 purchase lines copied from the loaded files under new invoice numbers, dated as before (so
    no as-of date moves), for a handful of customers."""
    _write_part(raw, "part-99998-inside.parquet", """
        select * exclude (invoice_no, filename, file_row_number), 'N' || invoice_no as invoice_no
        from loaded where invoice_no not like 'C%' and customer_id is not null
        order by filename, file_row_number limit 30""")
    return 30


def test_incremental_build_after_lines_inside_loaded_dates_equals_full_build(tmp_path):
    raw = tmp_path / "raw"
    generate_world(WorldSpec(customers=300, seed=4), raw, progress=False)
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    _build(raw, incremental)
    before = _rows(incremental / "wh.duckdb", "int_feature_snapshots", "snapshot_name")
    counts = _rows(incremental / "wh.duckdb", "int_customer_order_metrics", "snapshot_name, customer_id")
    _add_invoices_inside_loaded_dates(raw)
    _build(raw, incremental)  # only the customers with new lines are recomputed
    _build(raw, incremental)  # and a build with nothing new recomputes nothing that changed
    _build(raw, full)

    assert _rows(incremental / "wh.duckdb", "int_feature_snapshots", "snapshot_name") == before  # same as-of dates
    changed = _rows(incremental / "wh.duckdb", "int_customer_order_metrics", "snapshot_name, customer_id")
    assert changed != counts  # the new lines changed some customers' metrics
    for table, order in TABLES.items():
        assert _rows(incremental / "wh.duckdb", table, order) == _rows(full / "wh.duckdb", table, order), table
