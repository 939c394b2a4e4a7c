"""tests/sources/reconcile_order_lines.sql fails on a lost, doubled or extra order line, and names the lines.

It compares files by line count and a checksum of their rows first, and lines one by one only in the files
that differ: a lost line plus a doubled one in the same file keep the count, so only the checksum finds them.
"""

from __future__ import annotations

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

pytestmark = pytest.mark.slow

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
LINES = [f"5363{i:02d},85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:{i:02d}:00,2.55,17850.0,United Kingdom\n"
         for i in range(10)] + ["536399,71053,WHITE METAL LANTERN,6,2010-12-01 09:00:00,0,17850.0,United Kingdom\n"]
TEST = "tests/sources/reconcile_order_lines.sql"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("reconcile")
    raw = root / "raw" / "online_retail" / "online_retail.csv"
    raw.parent.mkdir(parents=True)
    raw.write_text(HEADER + "".join(LINES))
    run_dbt("build", dataset="online_retail", raw_data_dir=root / "raw", db_path=root / "wh.duckdb",
            target_path=root / "target", args=["--select", "+rejected_rows", "+source_reconciliation", TEST,
                                               "--indirect-selection", "cautious"])
    return root


def _test_with(root, tamper: list[str]) -> tuple[int, list[tuple]]:
    db = root / "wh.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create or replace table classified_backup as select * from int_order_lines__classified")
        for statement in tamper:
            con.execute(statement)
    try:
        proc = run_dbt("test", dataset="online_retail", raw_data_dir=root / "raw", db_path=db,
                       target_path=root / "target", args=["--select", TEST, "--store-failures"], check=False)
        with duckdb.connect(str(db), read_only=True) as con:
            failures = con.execute("select source_row, is_raw_line, times_landed from main_dbt_test__audit."
                                   "reconcile_order_lines order by source_row").fetchall()
    finally:
        with duckdb.connect(str(db)) as con:
            con.execute("create or replace table int_order_lines__classified as select * from classified_backup")
            con.execute("drop table classified_backup")
    return proc.returncode, failures


def test_everything_landed_once_passes(built):
    code, failures = _test_with(built, [])
    assert (code, failures) == (0, [])


@pytest.mark.parametrize(("tamper", "named"), [
    pytest.param(  # same number of lines in the file: only the row checksum tells the files apart
        ["delete from int_order_lines__classified where source_row = 3",
         "insert into int_order_lines__classified select * from int_order_lines__classified where source_row = 7"],
        [(3, True, 0), (7, True, 2)], id="lost-and-doubled"),
    pytest.param(  # the zero-price line (row 11) is rejected; a clean copy of it lands it twice
        ["insert into int_order_lines__classified by name select * replace (null as reject_reason) "
         "from int_order_lines__classified where source_row = 11"],
        [(11, True, 2)], id="rejected-and-clean"),
    pytest.param(
        ["insert into int_order_lines__classified by name select * replace (999 as source_row) "
         "from int_order_lines__classified where source_row = 1"],
        [(999, False, 1)], id="not-a-raw-line"),
])
def test_a_line_not_landed_exactly_once_fails_and_is_named(built, tamper, named):
    code, failures = _test_with(built, tamper)
    assert code != 0
    assert failures == named
