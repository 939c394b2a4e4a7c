"""Great Expectations suites on the raw inputs and the clean tables, run on pandas DataFrames.

``suites`` says what is expected of which table; ``runner`` validates DataFrames and returns one
row per expectation (the ``data_quality_results`` table). GE's SQL route through duckdb-engine gives
wrong results on duckdb 2.0, so tables are read into pandas (only the columns the suites need); tables
over ``runner.MAX_PANDAS_ROWS`` rows get exact SQL aggregate counts instead (``sql_counts``) and GE runs on
a deterministic sample of them, so a 50M-row table is never loaded whole.
"""

from custseg.quality.runner import RESULT_COLUMNS, failure_message, load_and_validate, validate_tables
from custseg.quality.suites import Check, required_tables, suites_for

__all__ = ["Check", "RESULT_COLUMNS", "failure_message", "load_and_validate", "required_tables", "suites_for", "validate_tables"]
