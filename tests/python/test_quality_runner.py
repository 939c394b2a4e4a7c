"""The Great Expectations runner on small known DataFrames."""

from __future__ import annotations

import pandas as pd
import pytest

from custseg.quality import failure_message, validate_tables
from custseg.quality.suites import CLEAN_SUITES, RAW_SUITES, columns_needed


def _customers(**overrides):
    frame = pd.DataFrame({"customer_id": ["1", "2", "3"], "birth_year": [1970, 1980, None],
                          "income": [50_000.0, None, 20_000.0], "marital_status": ["single", "married", None]})
    return frame.assign(**overrides)


def test_passing_table_gives_one_successful_row_per_check():
    results = validate_tables("customer_personality", {"clean": {"customers": _customers()}})
    assert len(results) == len(CLEAN_SUITES["customers"]) + 1  # + the row-count check of a required table
    assert results["success"].all()


def test_failed_expectation_is_counted_and_named():
    results = validate_tables("customer_personality", {"clean": {"customers": _customers(
        customer_id=["1", "1", None], birth_year=[1893, 1980, 1990])}})
    failed = results[~results["success"]].set_index(["column_name", "expectation"])["unexpected_count"].to_dict()
    assert failed == {("customer_id", "ExpectColumnValuesToNotBeNull"): 1,
                      ("customer_id", "ExpectColumnValuesToBeUnique"): 2,
                      ("birth_year", "ExpectColumnValuesToBeBetween"): 1}
    message = failure_message(results)
    assert "clean customers.birth_year: ExpectColumnValuesToBeBetween failed on 1 of 3 rows" in message


def test_empty_required_table_fails_and_empty_optional_table_is_skipped():
    empty = _customers().iloc[0:0]
    required = validate_tables("customer_personality", {"clean": {"customers": empty}})
    assert required.to_dict("records")[0]["success"] is False and len(required) == 1
    optional = validate_tables("online_retail", {"clean": {"customers": empty}})
    assert optional.empty


def test_unknown_table_is_an_error():
    with pytest.raises(ValueError, match="no clean suite for table 'orders'"):
        validate_tables("sample", {"clean": {"orders": pd.DataFrame({"a": [1]})}})


def test_columns_needed_lists_each_column_once():
    assert columns_needed(RAW_SUITES["int_order_lines"]) == ["source_row", "source_file", "parse_error",
                                                             "invoice_id", "quantity", "ordered_at"]
