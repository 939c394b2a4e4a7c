"""Great Expectations suites on the raw inputs and the clean tables, run on pandas DataFrames.

``suites`` says what is expected of which table; ``runner`` reads each table (at most ``sample_rows``
rows, a deterministic sample of larger ones, through custseg.dbt_io.to_arrow) and validates it in
process, returning one row per expectation (the ``data_quality_results`` table). GE's SQL route through
duckdb-engine gives wrong results on duckdb 2.0, hence pandas. Keys and relations are dbt tests
(models/marts/core/_quality__docs.md says which tool owns which rule).
"""

from custseg.quality.runner import (DEFAULT_SAMPLE_ROWS, RESULT_COLUMNS, failure_message, read_sample,
                                    validate_tables)
from custseg.quality.suites import Check, required_tables, suites_for

__all__ = ["Check", "DEFAULT_SAMPLE_ROWS", "RESULT_COLUMNS", "failure_message", "read_sample", "required_tables",
           "suites_for", "validate_tables"]
