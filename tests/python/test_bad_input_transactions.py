"""Bad transactions exports: a clear error naming file and column, or the rows quarantined with a reason."""

from __future__ import annotations

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

pytestmark = pytest.mark.slow

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
GOOD = [
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n",
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n",
    "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom\n",
]
RAW = "online_retail/online_retail.csv"


def write(tmp_path, text, name=RAW):
    path = tmp_path / "raw" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return tmp_path / "raw"


def build(tmp_path, raw_dir, check=True):
    return run_dbt("build", dataset="online_retail", raw_data_dir=raw_dir, db_path=tmp_path / "wh.duckdb",
                   target_path=tmp_path / "target", check=check,
                   args=["--select", "+rejected_rows", "+source_reconciliation", "tests/sources/reconcile_order_lines.sql",
                         "--indirect-selection", "cautious"])


def rejected(tmp_path):
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute("select source_row, reject_reason, raw_values from rejected_rows order by source_row").fetchall()


def failure_text(proc):
    assert proc.returncode != 0, "the build should have failed"
    return proc.stdout + proc.stderr


def test_missing_file_names_the_path(tmp_path):
    (tmp_path / "raw").mkdir()
    text = failure_text(build(tmp_path, tmp_path / "raw", check=False))
    assert "online_retail: no raw file matches" in text
    assert "online_retail/online_retail.csv*" in text


def test_empty_file_names_the_file(tmp_path):
    raw = write(tmp_path, "")
    text = failure_text(build(tmp_path, raw, check=False))
    assert "online_retail.csv' is empty" in text


def test_missing_required_column_names_file_and_column(tmp_path):
    raw = write(tmp_path, HEADER.replace(",Quantity", ",Qty") + "".join(GOOD))
    text = failure_text(build(tmp_path, raw, check=False))
    assert "lacks required column(s) quantity (looked for Quantity)" in text
    assert "online_retail.csv" in text


def test_wrong_separator_is_explained(tmp_path):
    raw = write(tmp_path, (HEADER + "".join(GOOD)).replace(",", ";"))
    text = failure_text(build(tmp_path, raw, check=False))
    assert "lacks required column(s) invoice_id" in text
    assert "is the separator right?" in text


def test_non_numeric_quantity_and_unparseable_date_are_quarantined(tmp_path):
    bad_quantity = GOOD[1].replace(",6,", ",six,")
    bad_date = GOOD[2].replace("2010-12-01 08:28:00", "yesterday")
    raw = write(tmp_path, HEADER + GOOD[0] + bad_quantity + bad_date)
    build(tmp_path, raw)
    rows = rejected(tmp_path)
    assert [(row, reason) for row, reason, _ in rows] == [(2, "invalid_quantity"), (3, "invalid_date")]
    assert "quantity_text=six" in rows[0][2]
    assert "ordered_at_text=yesterday" in rows[1][2]


def test_lines_the_reader_cannot_parse_are_quarantined_with_their_line(tmp_path):
    too_many = GOOD[1].rstrip("\n") + ",extra,fields\n"
    raw = write(tmp_path, HEADER + GOOD[0] + too_many + GOOD[2])
    build(tmp_path, raw)
    rows = rejected(tmp_path)
    assert [(row, reason) for row, reason, _ in rows] == [(2, "unparseable_line: too many columns")]
    # The fields up to one beyond the header are kept (the reader reads one column more than the header).
    assert rows[0][2] == too_many.rstrip("\n").removesuffix(",fields")
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        clean = con.execute("select source_row, stock_code from order_lines order by source_row").fetchall()
    assert clean == [(1, "85123A"), (3, "22633")]  # line numbers survive the skipped line
