"""An incremental build after new order-line files gives the same tables as a full build of the same files.

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
    "int_customer_activity_by_key": "snapshot_name, customer_id, activity_type, activity_key",
    "customer_features": "customer_id",
    "customer_rfm": "customer_id",
}


def _build(raw, root, args=()):
    run_dbt("build", dataset="sample", raw_data_dir=raw, db_path=root / "wh.duckdb", target_path=root / "target",
            args=[*SELECT, *args])


def _add_repeats(raw) -> int:
    """A new file: 20 lines copied exactly from the loaded files, the first of them twice."""
    folder = raw / "order_lines"
    out = folder / "part-99999-repeats.parquet"
    con = duckdb.connect()
    con.execute("set threads = 1")
    con.execute(f"""
        copy (
            with picked as (
                select * exclude (filename, file_row_number), file_row_number as n
                from read_parquet('{folder}/part-0*.parquet', filename = true, file_row_number = true)
                where invoice_no not like 'C%'
                order by filename, file_row_number
                limit 20
            )
            select * exclude (n) from (select * from picked union all (select * from picked order by n limit 1))
            order by n
        ) to '{out}' (format parquet)""")
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
