"""The Great Expectations runner on small known tables: results, the bounded sample, and rule ownership."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

from custseg.quality import failure_message, read_sample, validate_tables
from custseg.quality.runner import RESULT_COLUMNS, sample_order
from custseg.quality.suites import CLEAN_SUITES, RAW_SUITES, columns_needed

REPO = Path(__file__).resolve().parents[2]


def _customers(**overrides):
    frame = pd.DataFrame({"customer_id": ["1", "2", "3"], "birth_year": [1970, 1980, None],
                          "income": [50_000.0, None, 20_000.0], "marital_status": ["single", "married", None]})
    return frame.assign(**overrides)


def _raw_order_lines(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "source_file": rng.choice(["a.parquet", "b.parquet"], n),
        "source_row": np.arange(1, n + 1),
        "parse_error": np.where(rng.random(n) < 0.05, "bad number", None),
        "invoice_id": np.where(rng.random(n) < 0.05, None, "C1"),
        "quantity": rng.integers(-3, 9, n).astype("float64"),
        "ordered_at": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 99, n), unit="D"),
    })


def test_passing_table_gives_one_successful_row_per_check():
    results = validate_tables("customer_personality", {"clean": {"customers": _customers()}})
    assert list(results.columns) == RESULT_COLUMNS
    assert len(results) == len(CLEAN_SUITES["customers"]) + 1  # + the row-count check of a required table
    assert results["success"].all()
    assert results.iloc[0]["expectation"] == "ExpectTableRowCountToBeBetween"
    assert (results["element_count"] == 3).all() and not results["is_sampled"].any()
    assert (results["sample_rows"] == 50_000).all()


def test_failed_expectation_is_counted_and_named():
    results = validate_tables("customer_personality", {"clean": {"customers": _customers(
        birth_year=[1893, 1980, 1990], income=[-1.0, 400_000.0, None])}})
    failed = results[~results["success"]].set_index(["column_name", "expectation"])["unexpected_count"].to_dict()
    assert failed == {("birth_year", "ExpectColumnValuesToBeBetween"): 1,
                      ("income", "ExpectColumnValuesToBeBetween"): 2}
    message = failure_message(results)
    assert "clean customers.birth_year: ExpectColumnValuesToBeBetween failed on 1 of 3 rows e.g. 1893" in message


def test_empty_required_table_fails_and_empty_optional_table_is_skipped():
    empty = _customers().iloc[0:0]
    required = validate_tables("customer_personality", {"clean": {"customers": empty}})
    assert required.to_dict("records")[0]["success"] is False and len(required) == 1
    assert "clean customers.*: ExpectTableRowCountToBeBetween failed on 1 of 0 rows" in failure_message(required)
    optional = validate_tables("online_retail", {"clean": {"customers": empty}})
    assert optional.empty and list(optional.columns) == RESULT_COLUMNS


def test_a_table_without_value_rules_is_only_counted():
    members = pd.DataFrame({"person_id": ["p1", "p1"]})  # a duplicate key is dbt's to find, not GE's
    results = validate_tables("coil2000", {"clean": {"population_members": members}})
    assert results[["expectation", "success", "element_count"]].values.tolist() == [
        ["ExpectTableRowCountToBeBetween", True, 2]]
    assert validate_tables("sample", {"clean": {"population_members": members}}).empty  # not required: not read


def test_unknown_table_or_kind_is_an_error():
    with pytest.raises(ValueError, match="no clean suite for table 'orders'"):
        validate_tables("sample", {"clean": {"orders": pd.DataFrame({"a": [1]})}})
    with pytest.raises(ValueError, match="unknown suite kind"):
        validate_tables("sample", {"staging": {}})


def test_columns_needed_lists_each_column_once():
    assert columns_needed(RAW_SUITES["int_order_lines"]) == ["parse_error", "invoice_id", "quantity", "ordered_at"]


def test_a_large_table_is_checked_on_a_deterministic_sample_of_sample_rows():
    lines = _raw_order_lines()
    relation = duckdb.connect().from_df(lines)
    frame, is_sampled = read_sample(relation, RAW_SUITES["int_order_lines"], 50)
    assert is_sampled and len(frame) == 50
    columns = columns_needed(RAW_SUITES["int_order_lines"])
    assert list(frame.columns) == columns
    expected = relation.query("t", f"select {', '.join(columns)} from t order by {', '.join(sample_order(columns))} "
                                   "limit 50").df()
    pd.testing.assert_frame_equal(frame, expected)
    pd.testing.assert_frame_equal(read_sample(relation, RAW_SUITES["int_order_lines"], 50)[0], frame)
    # a pandas frame gives the same sample as the relation over it (both ordered by DuckDB's hash)
    pd.testing.assert_frame_equal(read_sample(lines, RAW_SUITES["int_order_lines"], 50)[0], frame)
    whole, is_sampled = read_sample(relation, RAW_SUITES["int_order_lines"], 400)
    assert not is_sampled and len(whole) == 400


def test_sampled_results_say_so_and_fail_like_the_whole_table():
    lines = _raw_order_lines()  # ~5 % parse errors: over the 1 % tolerance, in the sample too
    relation = duckdb.connect().from_df(lines)
    whole = validate_tables("sample", {"raw": {"int_order_lines": relation}}, sample_rows=10_000)
    sampled = validate_tables("sample", {"raw": {"int_order_lines": relation}}, sample_rows=200)
    assert not whole["is_sampled"].any() and sampled["is_sampled"].all()
    assert (sampled["element_count"] == 200).all() and (sampled["sample_rows"] == 200).all()
    assert sampled["success"].tolist() == whole["success"].tolist()
    failed = sampled[~sampled["success"]]
    assert set(failed["column_name"]) == {"parse_error", "invoice_id"}
    assert failed["details"].str.endswith("(on a 200-row sample of a larger table)").all()
    assert validate_tables("sample", {"raw": {"int_order_lines": relation}}, sample_rows=200).equals(sampled)


def _dbt_tests(node: dict) -> list[tuple[str | None, str]]:
    """(column or None, test name) of a model's or column's data_tests in a schema file."""
    tests = []
    for test in node.get("data_tests", []) or []:
        tests.append((None, test if isinstance(test, str) else next(iter(test))))
    for column in node.get("columns", []) or []:
        for test in column.get("data_tests", []) or []:
            tests.append((column["name"], test if isinstance(test, str) else next(iter(test))))
    return tests


def _schema_models() -> dict[str, dict]:
    models = {}
    for path in (REPO / "models").rglob("_*.yml"):
        for node in (yaml.safe_load(path.read_text()) or {}).get("models", []) or []:
            models[node["name"]] = node
    return models


# Great Expectations expectations that restate a dbt generic test.
_SAME_RULE = {"ExpectColumnValuesToNotBeNull": "not_null", "ExpectColumnValuesToBeUnique": "unique",
              "ExpectColumnValuesToBeInSet": "accepted_values"}


def test_no_rule_is_written_both_as_an_expectation_and_as_a_dbt_test():
    models = _schema_models()
    for suites in (RAW_SUITES, CLEAN_SUITES):
        for table, checks in suites.items():
            dbt_tests = set(_dbt_tests(models[table]))
            for check in checks:
                # keys and enums are dbt's: GE has no uniqueness or accepted-values rule at all
                assert "Unique" not in check.expectation and check.expectation != "ExpectColumnValuesToBeInSet"
                twin = _SAME_RULE.get(check.expectation)
                assert (check.column, twin) not in dbt_tests, f"{table}.{check.column}: {check.expectation} and {twin}"


def test_the_model_reads_the_table_of_every_suite():
    source = (REPO / "models" / "marts" / "core" / "data_quality_results.py").read_text()
    refs = {node.args[0].value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "ref"}
    # every ref is a table it validates (the shape of every Python model: test_model_shapes.py)
    assert refs == set(RAW_SUITES) | set(CLEAN_SUITES)


def test_a_verdict_loaded_from_the_cache_never_imports_great_expectations(tmp_path):
    """A build whose samples did not change loads Great Expectations' verdict: importing GE (~3 s, pyspark
    included when installed) is left out of it. Two fresh interpreters share one cache folder: the first
    validates (and imports GE), the second gets the same table without GE in sys.modules."""
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "validate.py"  # a file, not -c: pyspark's import exits an interpreter without __main__.__file__
    script.write_text(
        "import json, sys\n"
        "import pandas as pd\n"
        "from custseg.quality import validate_tables\n"
        "customers = pd.DataFrame({'customer_id': ['1', '2'], 'birth_year': [1970, 1893],\n"
        "                          'income': [1.0, 2.0], 'marital_status': ['single', None]})\n"
        "results = validate_tables('customer_personality', {'clean': {'customers': customers}})\n"
        "print(json.dumps({'imported': 'great_expectations' in sys.modules,\n"
        "                  'results': results.astype(str).to_dict('records')}))\n")
    env = {**os.environ, "CUSTSEG_FIT_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    runs = [json.loads(subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1]) for _ in range(2)]
    assert runs[0]["imported"] and not runs[1]["imported"]
    assert runs[0]["results"] == runs[1]["results"]
    assert any(row["success"] == "False" for row in runs[1]["results"])  # the verdict itself, a failure included
