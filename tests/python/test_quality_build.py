"""End to end: a failed Great Expectations check fails `dbt build` (tests/sources/data_quality_expectations.sql)."""

from __future__ import annotations

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

pytestmark = pytest.mark.slow

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
LINE = "5363{n:02d},85123A,WHITE HANGING HEART,{quantity},2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"


def test_a_failed_expectation_fails_the_build_and_names_table_column_and_count(tmp_path):
    # 1 unreadable quantity in 4 raw lines: quarantined by the cleaning rules, but over GE's 1 % tolerance
    lines = [LINE.format(n=n, quantity=6) for n in range(3)] + [LINE.format(n=3, quantity="six")]
    raw = tmp_path / "raw"
    (raw / "online_retail").mkdir(parents=True)
    (raw / "online_retail" / "online_retail.csv").write_text(HEADER + "".join(lines))
    proc = run_dbt("build", dataset="online_retail", raw_data_dir=raw, db_path=tmp_path / "wh.duckdb",
                   target_path=tmp_path / "target", check=False,
                   args=["--select", "+data_quality_results", "data_quality_expectations",
                         "--indirect-selection", "cautious"])
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Great Expectations: 2 expectation(s) failed" in output
    assert "raw int_order_lines.parse_error: ExpectColumnValuesToBeNull failed on 1 of 4 rows" in output
    assert "raw int_order_lines.quantity: ExpectColumnValuesToNotBeNull failed on 1 of 4 rows" in output
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        failed = con.execute("select table_name, column_name, is_sampled from data_quality_results "
                             "where not success order by column_name").fetchall()
        checked = con.execute("select count(*) from data_quality_results").fetchone()[0]
    assert failed == [("int_order_lines", "parse_error", False), ("int_order_lines", "quantity", False)]
    assert checked == 11  # the clean order lines (3 of 4) pass every clean rule
