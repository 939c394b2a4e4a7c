"""Foreign and bad exports loaded as DATASET=user through a mapping: each file loads exactly, is quarantined
line by line with its reason (and reconciles), or stops the build with a message naming file and column.

The inputs come from custseg.generate.corpus_exports; files that share a mapping share one build.
"""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from custseg.dbt_runner import run_dbt
from custseg.dbt_vars import build_vars
from custseg.generate import corpus_exports as corpus

pytestmark = pytest.mark.slow

SELECT = ["--select", "+rejected_rows", "+source_reconciliation", "+int_feature_snapshots",
          "tests/sources/reconcile_order_lines.sql", "--indirect-selection", "cautious"]


def write(root: Path, files: dict[str, bytes]) -> Path:
    raw = root / "raw"
    for name, data in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    return raw


def build(root: Path, case: corpus.Corpus, check=True, args=SELECT):
    raw = write(root, case.files)
    return run_dbt("build", dataset="user", raw_data_dir=raw, db_path=root / "wh.duckdb", target_path=root / "target",
                   extra_vars={"user_mapping": case.mapping}, args=args, check=check)


def query(root: Path, sql: str):
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def assert_outcome(root: Path, case: corpus.Corpus):
    """Exactly the expected clean lines and rejects, and every raw line accounted for."""
    clean = query(root, "select source_file, source_row, invoice_id, stock_code, customer_id, quantity, unit_price, "
                        "strftime(ordered_at, '%Y-%m-%dT%H:%M:%S'), country from order_lines")
    assert {(r[0], r[1]): (*r[2:5], r[5], pytest.approx(r[6]), r[7], r[8]) for r in clean} == case.expected_lines
    rejected = query(root, "select source_file, source_row, reject_reason from rejected_rows")
    assert {(r[0], r[1]): r[2] for r in rejected} == case.expected_rejects
    raw_lines = sum(len(data.decode("utf-16").encode().splitlines() if name.endswith(".txt") else data.splitlines())
                    - 1 for name, data in case.files.items())
    reconciliation = query(root, "select sum(raw_rows), sum(clean_rows), sum(rejected_rows), "
                                 "sum(abs(unaccounted_rows)) from source_reconciliation where entity = 'order_lines'")
    assert reconciliation == [(raw_lines, len(case.expected_lines), len(case.expected_rejects), 0)]


def test_cleaning_corpus_padded_keys_plausibility_dates_newlines_broken_lines_currency(tmp_path):
    case = corpus.cleaning_corpus()
    build(tmp_path, case)
    assert_outcome(tmp_path, case)
    # (4) the quarantined 2999-12-31 line does not move the as-of date: the day after the last clean line.
    assert query(tmp_path, "select strftime(as_of_date, '%Y-%m-%d') from int_feature_snapshots "
                           "where snapshot_name = 'current'") == [("2011-12-10",)]
    # NaN / Infinity keep their raw text in the quarantine.
    raw = dict(query(tmp_path, "select source_row, raw_values from rejected_rows where source_file = 'corpus/plausible.csv'"))
    assert "quantity=nan" in raw[4].lower() and "unit_price=inf" in raw[5].lower()


def test_german_erp_export_decimal_comma_thousands_dot_euro_trailing_minus_bom(tmp_path):
    case = corpus.german_erp_corpus()
    build(tmp_path, case)
    assert_outcome(tmp_path, case)


def test_excel_unicode_text_utf16_tab_separated(tmp_path):
    case = corpus.encodings_corpus()
    build(tmp_path, case)
    assert_outcome(tmp_path, case)
    assert query(tmp_path, "select product_description from order_lines order by source_row") == [("Straße",),
                                                                                                   ("Café",)]


def test_shopify_iso_dates_with_time_zones_are_utc(tmp_path):
    case = corpus.shopify_corpus()
    build(tmp_path, case)
    assert_outcome(tmp_path, case)


def test_cp1252_export_with_euro_sign_curly_quotes_and_a_quote_in_the_header_loads(tmp_path):
    case = corpus.cp1252_corpus()
    build(tmp_path, case)
    assert_outcome(tmp_path, case)
    assert query(tmp_path, "select product_description from order_lines order by source_row") == [
        ("Größe",), ("LANTERN",), ("“Herz” – rot",)]


@pytest.mark.parametrize("name", sorted(corpus.stopping_corpora()))
def test_bad_export_stops_with_file_column_and_fix(tmp_path, name):
    case = corpus.stopping_corpora()[name]
    proc = build(tmp_path, case, check=False, args=["--select", "stg_user__order_lines"])
    assert proc.returncode != 0, "the build should have stopped"
    text = proc.stdout + proc.stderr
    for fragment in case.expected_error:
        assert fragment in text, (fragment, text[-3000:])
    assert "Traceback" not in text


def test_mapping_file_is_merged_with_the_data_set_vars(tmp_path):
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("path: erp/*.csv\ndelimiter: ';'\ndate_formats:\n  - '%d.%m.%Y %H:%M'\n")
    assert build_vars("user", "/data", str(mapping)) == {
        "dataset": "user", "raw_data_dir": "/data",
        "user_mapping": {"path": "erp/*.csv", "delimiter": ";", "date_formats": ["%d.%m.%Y %H:%M"]}}
    mapping.write_text("dataset: sample\n")
    with pytest.raises(ValueError, match="remove dataset"):
        build_vars("user", "/data", str(mapping))
    mapping.write_text("path: x.csv\n")
    with pytest.raises(ValueError, match="DATASET=user"):
        build_vars("online_retail", "/data", str(mapping))


# The check of issue 16: a German-format export of the Online Retail lines, built as a user export through
# `make build MAPPING=<file>`, gives customer_rfm equal per customer to DATASET=online_retail on the original file.
@pytest.mark.shared_data
def test_german_export_of_online_retail_gives_the_same_customer_rfm(shared_data, full_build, repo_root, tmp_path):
    with gzip.open(shared_data / "online_retail" / "online_retail.csv.gz", "rt", encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    raw = tmp_path / "raw"
    (raw / "erp").mkdir(parents=True)
    (raw / "erp" / "export.csv").write_bytes(corpus.german_export(lines))
    mapping = {"path": "erp/export.csv", "delimiter": ";", "encoding": "cp1252", "decimal_separator": ",",
               "date_formats": ["%d.%m.%Y %H:%M"],
               "columns": {"invoice_id": "InvoiceNo", "stock_code": "StockCode", "product_description": "Description",
                           "quantity": "Quantity", "unit_price": "UnitPrice", "ordered_at": "InvoiceDate",
                           "customer_id": "CustomerID", "country": "Country"}}
    (tmp_path / "mapping.yml").write_text(yaml.safe_dump(mapping))
    warehouse = tmp_path / "warehouse"
    proc = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "build", "DATASET=user", f"RAW_DATA_DIR={raw}",
         f"MAPPING={tmp_path / 'mapping.yml'}", f"WAREHOUSE_DIR={warehouse}", f"DBT_TARGET_PATH={tmp_path / 'target'}",
         f"DBT_LOG_PATH={tmp_path / 'logs'}", "DBT_ARGS=--select +customer_rfm --indirect-selection cautious"],
        cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    sql = "select customer_id, recency_days, frequency, monetary from customer_rfm order by customer_id"
    with duckdb.connect(str(warehouse / "user.duckdb"), read_only=True) as con:
        german = con.execute(sql).fetchall()
    with duckdb.connect(str(full_build("online_retail")), read_only=True) as con:
        original = con.execute(sql).fetchall()
    assert len(original) > 4_000
    assert german == original
