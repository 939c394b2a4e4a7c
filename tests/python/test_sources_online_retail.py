"""UCI Online Retail through the online_retail source: nothing lost, flags match the known quirks."""

from __future__ import annotations

import gzip
import shutil

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

CORE = ["--select", "+models/marts/core", "tests/sources", "--indirect-selection", "cautious"]


def build(tmp, dataset, raw_dir, extra_vars=None):
    db = tmp / f"{dataset}.duckdb"
    run_dbt("build", dataset=dataset, raw_data_dir=raw_dir, db_path=db, target_path=tmp / "target",
            extra_vars=extra_vars, args=CORE)
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def warehouse(full_build):
    con = duckdb.connect(str(full_build("online_retail")), read_only=True)
    yield con
    con.close()


def test_every_raw_line_is_accounted_for(warehouse):
    rows = warehouse.execute("select raw_rows, clean_rows, rejected_rows, unaccounted_rows from source_reconciliation "
                         "where entity = 'order_lines'").fetchall()
    assert rows == [(541_909, rows[0][1], rows[0][2], 0)]
    assert rows[0][1] + rows[0][2] == 541_909


def test_flag_counts_match_the_documented_quirks(warehouse):
    flags = warehouse.execute("""
        select count(*) filter (where is_cancellation), count(*) filter (where is_missing_customer),
               count(*) filter (where is_exact_duplicate), count(*) filter (where is_non_product)
        from int_order_lines__classified""").fetchone()
    assert flags == (9_288, 135_080, 5_268, 2_995)


def test_reject_reasons(warehouse):
    reasons = dict(warehouse.execute("select reject_reason, count(*) from rejected_rows group by 1").fetchall())
    assert reasons == {"missing_customer_id": 135_080, "exact_duplicate": 5_225,
                       "non_product_stock_code": 1_915, "non_positive_price": 33}


def test_customers_with_clean_purchases(warehouse):
    # The notebooks report about 4,338; this project also rejects postage and other non-product lines.
    customers = warehouse.execute("select count(distinct customer_id) from order_lines where not is_return").fetchone()[0]
    assert customers == 4_334


def test_row_references_follow_the_file(warehouse):
    first, last = warehouse.execute("""
        select invoice_id, customer_id from int_order_lines where source_row in (1, 541909) order by source_row
    """).fetchall()
    assert first == ("536365", "17850")  # 17850.0 in the file
    assert last[0] == "581587"


def test_great_expectations_all_pass(warehouse):
    results = warehouse.execute("select table_name, expectation, success from data_quality_results").fetchall()
    assert {table for table, _, _ in results} >= {"int_order_lines", "order_lines"}
    assert [r for r in results if not r[2]] == []


def _slice(shared_data, lines=3_000):
    """The header and the first data lines of the public file, as text lines."""
    with gzip.open(shared_data / "online_retail" / "online_retail.csv.gz", "rt", encoding="utf-8") as f:
        return [next(f) for _ in range(lines + 1)]


def _us_date(iso):  # 2010-12-01 08:26:00 -> 12/1/2010 8:26
    date, time = iso.split(" ")
    y, m, d = date.split("-")
    hh, mm, _ = time.split(":")
    return f"{int(m)}/{int(d)}/{y} {int(hh)}:{mm}"


def _rewrite(lines, header, date_to):
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows[1:]:
        row[4] = date_to(row[4])
        writer.writerow(row)
    return out.getvalue()


def _clean_tables(con):
    lines = con.execute("select source_row, invoice_id, customer_id, quantity, unit_price, ordered_at "
                    "from order_lines order by source_row").fetchall()
    rejected = con.execute("select source_row, reject_reason from rejected_rows order by source_row").fetchall()
    return lines, rejected


def test_online_retail_ii_layout_and_a_user_mapping_load_the_same(shared_data, tmp_path):
    lines = _slice(shared_data)
    original = tmp_path / "original"
    (original / "online_retail").mkdir(parents=True)
    with gzip.open(original / "online_retail" / "online_retail.csv.gz", "wt", encoding="utf-8") as f:
        f.writelines(lines)

    retail_ii = tmp_path / "retail_ii"
    (retail_ii / "online_retail").mkdir(parents=True)
    header_ii = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"]
    (retail_ii / "online_retail" / "online_retail.csv").write_text(_rewrite(lines, header_ii, _us_date))

    user = tmp_path / "user"
    (user / "exports").mkdir(parents=True)
    header_user = ["order_no", "sku", "item", "qty", "when", "price_eur", "client", "land"]
    text = _rewrite(lines, header_user, lambda iso: iso[8:10] + "." + iso[5:7] + "." + iso[0:4] + " " + iso[11:16])
    (user / "exports" / "orders.txt").write_text(text)
    mapping = {"path": "exports/orders.txt", "delimiter": ",", "date_formats": ["%d.%m.%Y %H:%M"],
               "columns": {"invoice_id": "order_no", "stock_code": "sku", "product_description": "item",
                           "quantity": "qty", "ordered_at": "when", "unit_price": "price_eur",
                           "customer_id": "client", "country": "land"}}

    expected = _clean_tables(build(tmp_path / "a", "online_retail", original))
    assert len(expected[0]) > 1_500 and expected[1]
    assert _clean_tables(build(tmp_path / "b", "online_retail", retail_ii)) == expected
    assert _clean_tables(build(tmp_path / "c", "user", user, {"user_mapping": mapping})) == expected
