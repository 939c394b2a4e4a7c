"""The SQL-aggregate route of the quality checks (large tables) gives what Great Expectations gives."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from custseg.quality import load_and_validate, validate_tables
from custseg.quality.sql_counts import sql_outcomes
from custseg.quality.suites import CLEAN_SUITES, RAW_SUITES, Check, columns_needed


def _dirty_order_lines(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "source_file": rng.choice(["a.parquet", "b.parquet"], n),
        "source_row": rng.integers(1, n // 3, n).astype("float64"),
        "parse_error": np.where(rng.random(n) < 0.02, "bad number", None),
        "invoice_id": np.where(rng.random(n) < 0.05, None, "C1"),
        "customer_id": np.where(rng.random(n) < 0.1, None, rng.integers(1, 50, n).astype(str)),
        "quantity": np.where(rng.random(n) < 0.1, 0.0, rng.integers(-3, 9, n)).astype("float64"),
        "unit_price": np.where(rng.random(n) < 0.1, np.nan, rng.normal(3, 4, n)),
        "ordered_at": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 99, n), unit="D"),
    })
    frame.loc[rng.random(n) < 0.05, "source_row"] = np.nan
    frame.loc[rng.random(n) < 0.03, "ordered_at"] = pd.NaT
    return frame


def _customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["1", "2", "2", None, "5", "6"],
                         "birth_year": [1970, 1893, None, 1980, 2011, 1990],
                         "income": [50_000.0, None, -1.0, 400_000.0, 3.0, 0.0],
                         "marital_status": ["single", "married", None, "alone", "single", "widowed"]})


@pytest.mark.parametrize("kind,table,frame", [
    ("raw", "int_order_lines", _dirty_order_lines()),
    ("clean", "order_lines", _dirty_order_lines()),
    ("clean", "customers", _customers()),
])
def test_sql_counts_equal_great_expectations(kind, table, frame):
    checks = (RAW_SUITES if kind == "raw" else CLEAN_SUITES)[table]
    expected = validate_tables("no_required_tables", {kind: {table: frame[columns_needed(checks)]}})
    relation = duckdb.connect().from_df(frame)
    got = sql_outcomes(relation, checks)
    assert [(o.success, o.unexpected_count, o.element_count) for o in got] == list(
        expected[["success", "unexpected_count", "element_count"]].itertuples(index=False, name=None))
    assert not all(o.success for o in got)  # the dirt is seen


def test_large_tables_take_the_sql_route_with_the_same_results():
    con = duckdb.connect()
    lines, customers = _dirty_order_lines(), _customers()
    relations = {"raw": {"int_order_lines": con.from_df(lines)}, "clean": {"customers": con.from_df(customers)}}
    whole = load_and_validate("sample", relations, max_rows=10_000)
    sampled = load_and_validate("sample", relations, max_rows=50)  # int_order_lines (400 rows) goes to SQL
    columns = ["suite", "table_name", "column_name", "expectation", "success", "unexpected_count", "element_count"]
    pd.testing.assert_frame_equal(whole[columns], sampled[columns])
    failed = sampled[(sampled["table_name"] == "int_order_lines") & ~sampled["success"]]
    assert len(failed) and failed["details"].str.contains("counted in SQL over all rows").all()
    assert load_and_validate("sample", relations, max_rows=50).equals(sampled)  # deterministic sample


def test_a_worker_process_validates_the_same(monkeypatch):
    from custseg.workers import ENV_VAR

    con = duckdb.connect()
    relations = {"raw": {"int_order_lines": con.from_df(_dirty_order_lines())},
                 "clean": {"customers": con.from_df(_customers())}}
    monkeypatch.delenv(ENV_VAR, raising=False)
    in_process = load_and_validate("sample", relations, max_rows=50)  # one table whole, one by the SQL route
    monkeypatch.setenv(ENV_VAR, "1")
    in_worker = load_and_validate("sample", relations, max_rows=50)
    pd.testing.assert_frame_equal(in_process, in_worker)
    assert not in_worker["success"].all()


def test_unsupported_expectation_is_named():
    relation = duckdb.connect().from_df(pd.DataFrame({"a": [1]}))
    with pytest.raises(ValueError, match="no SQL translation for expectation 'ExpectColumnMeanToBeBetween'"):
        sql_outcomes(relation, [Check("ExpectColumnMeanToBeBetween", {"column": "a"})])


@pytest.mark.parametrize("rows", [1, 10, 50, 199])
def test_the_sample_of_a_large_table_is_the_top_n_by_hash_over_every_row(rows):
    from custseg.quality.runner import _sample

    lines = pd.concat([_dirty_order_lines(), _dirty_order_lines().head(30)], ignore_index=True)  # some copies
    relation = duckdb.connect().from_df(lines)
    columns = columns_needed(RAW_SUITES["int_order_lines"])
    cols = ", ".join(f'"{c}"' for c in columns)
    every_row = relation.query("t", f"select {cols} from t order by hash({cols}), {cols} limit {rows}").df()
    pd.testing.assert_frame_equal(_sample(relation, columns, rows, len(lines)), every_row)


@pytest.mark.parametrize("pass_rows", [7, 100, 10_000_000])
def test_uniqueness_counted_in_passes_adds_up_to_the_same(monkeypatch, pass_rows):
    # A large table's uniqueness count runs in hash-residue passes (bounded memory); the total is exact.
    from custseg.quality import sql_counts

    lines = pd.concat([_dirty_order_lines(), _dirty_order_lines().head(40)], ignore_index=True)
    checks = RAW_SUITES["int_order_lines"]
    expected = validate_tables("no_required_tables", {"raw": {"int_order_lines": lines[columns_needed(checks)]}})
    monkeypatch.setattr(sql_counts, "PASS_ROWS", pass_rows)
    got = sql_outcomes(duckdb.connect().from_df(lines), checks)
    assert [o.unexpected_count for o in got] == expected["unexpected_count"].tolist()
    unique_checks = [i for i, c in enumerate(checks) if "Unique" in c.expectation]
    assert unique_checks and all(got[i].unexpected_count > 0 for i in unique_checks)
