"""Validate tables with Great Expectations 1.x on pandas and return one row per expectation.

Each table is read through :func:`custseg.dbt_io.to_arrow` (a DuckDB relation as dbt gives it, a Spark
DataFrame, a pandas frame or an Arrow table), only the columns its suite checks, and at most ``sample_rows``
rows: a table with more rows is checked on a deterministic sample, the first ``sample_rows`` rows in the order
of DuckDB's 64-bit hash of the columns read (``sample_order``), so memory is bounded whatever the size of the
table. On Spark (whose ``hash`` is 32-bit) the checked columns are read whole and ordered by the same DuckDB hash
in memory: the same rows as the DuckDB build, at the cost of those columns in the driver. The
results say so (``is_sampled``, ``sample_rows``). Full-table checks (keys and relations) are dbt tests.
"""

from __future__ import annotations

import logging

import pandas as pd

from custseg.dbt_io import to_arrow
from custseg.fit_cache import fit_key, memoized
from custseg.quality.suites import Check, columns_needed, required_tables, suites_for

RESULT_COLUMNS = ["suite", "table_name", "column_name", "expectation", "success", "unexpected_count",
                  "element_count", "is_sampled", "sample_rows", "details"]
# Rows Great Expectations reads of a table at most (dbt var quality_sample_rows).
DEFAULT_SAMPLE_ROWS = 50_000
# A table the data set must fill (suites.REQUIRED_TABLES) must have a row.
NOT_EMPTY = Check("ExpectTableRowCountToBeBetween", {"min_value": 1})


def sample_order(columns: list[str]) -> list[str]:
    """The order of a table's sample: a hash of ``columns``, then the columns themselves (rows that tie are
    identical in every column read, so the sample is the same on every run). DuckDB SQL: a Spark table's
    columns are ordered by it in an in-memory DuckDB (:func:`read_sample`), so both engines sample the same rows."""
    return [f"hash({', '.join(columns)})", *columns]


def _is_spark(relation) -> bool:
    return type(relation).__module__.split(".")[0] == "pyspark"


def read_sample(relation, checks: list[Check], sample_rows: int) -> tuple[pd.DataFrame, bool]:
    """The rows of ``relation`` that ``checks`` are validated on, and whether they are a sample.

    The columns ``checks`` read, at most ``sample_rows`` rows: the first of ``sample_order`` (the engine
    keeps only that many while it scans). A suite without checks reads the first rows (only its row count
    is checked).
    """
    columns = columns_needed(checks)
    if columns and _is_spark(relation):
        # Spark's hash() is another function (32-bit): the columns are read and ordered by DuckDB's hash in
        # memory, so a Spark build samples the same rows as the DuckDB build and its results are the same.
        table = to_arrow(to_arrow(relation, columns=columns), sample_rows + 1, order_by=sample_order(columns))
    elif columns:
        table = to_arrow(relation, sample_rows + 1, order_by=sample_order(columns), columns=columns)
    else:  # only the row count is checked: any rows will do
        table = to_arrow(relation, sample_rows + 1)
    is_sampled = table.num_rows > sample_rows
    return table.slice(0, sample_rows).to_pandas(), is_sampled


def _expectation(check: Check, index: int):
    import great_expectations.expectations as gxe

    try:
        cls = getattr(gxe, check.expectation)
    except AttributeError as err:
        raise ValueError(f"unknown Great Expectations expectation {check.expectation!r}") from err
    return cls(**check.kwargs, meta={"check_index": index})


def _pandas_source():
    """An ephemeral Great Expectations context (no files, no progress bars) and its pandas data source."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context.data_sources.add_pandas("quality")


def _validate(source, frame: pd.DataFrame, asset: str, table: str, checks: list[Check]) -> list[dict]:
    """Validate one DataFrame against its checks as one GE suite; one result row per check."""
    import great_expectations as gx

    batch = (source.add_dataframe_asset(name=asset).add_batch_definition_whole_dataframe("whole_table")
             .get_batch(batch_parameters={"dataframe": frame}))
    suite = gx.ExpectationSuite(name=f"{asset}_suite")
    for index, check in enumerate(checks):
        suite.add_expectation(_expectation(check, index))
    outcomes = {int(outcome.expectation_config.meta["check_index"]): outcome
                for outcome in batch.validate(suite).results}
    rows = []
    for index, check in enumerate(checks):
        outcome = outcomes[index]
        result = outcome.result or {}
        details = ""
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            details = str(outcome.exception_info.get("exception_message"))
        elif result.get("partial_unexpected_list"):
            details = "e.g. " + ", ".join(repr(v) for v in result["partial_unexpected_list"][:5])
        elif check is NOT_EMPTY and not outcome.success:
            details = f"{table} is empty"
        if "element_count" in result:
            unexpected = int(result.get("unexpected_count") or 0)
        else:  # a table-level expectation: 1 when the table breaks it
            unexpected = 0 if outcome.success else 1
        rows.append({"table_name": table, "column_name": check.column, "expectation": check.expectation,
                     "success": bool(outcome.success), "unexpected_count": unexpected,
                     "element_count": len(frame), "details": details})
    return rows


def validate_tables(dataset: str, tables: dict[str, dict[str, object]],
                    sample_rows: int = DEFAULT_SAMPLE_ROWS) -> pd.DataFrame:
    """Run the raw and clean suites on ``tables`` ({'raw'|'clean': {table: relation or frame}}).

    Every table is read with :func:`read_sample` (at most ``sample_rows`` rows). Empty tables are skipped,
    except those the data set must fill: each of those gets a failed ``ExpectTableRowCountToBeBetween``.
    Rows come in suite order (raw, clean), then table, then the suite's check order: deterministic.
    """
    unknown = sorted(set(tables) - {"raw", "clean"})
    if unknown:
        raise ValueError(f"unknown suite kind(s) {unknown}: expected 'raw' or 'clean'")
    required = set(required_tables(dataset))
    samples = []  # (kind, table, frame, is_sampled, checks), in result order
    for kind in ("raw", "clean"):
        suites = suites_for(kind)
        for table, relation in sorted(tables.get(kind, {}).items()):
            if table not in suites:
                raise ValueError(f"no {kind} suite for table {table!r}")
            if not suites[table] and table not in required:
                continue  # nothing to check (its keys are dbt tests)
            frame, is_sampled = read_sample(relation, suites[table], sample_rows)
            checks = ([NOT_EMPTY] if table in required else []) + (suites[table] if len(frame) else [])
            if checks:
                samples.append((kind, table, frame, is_sampled, checks))
    # Great Expectations' verdict on the same rows with the same suites is the same: a build whose samples did
    # not change loads it from the fit cache (custseg.fit_cache: the suites are its code, GE's version is in its
    # code version), without importing GE.
    key = fit_key("quality", [frame for _, _, frame, _, _ in samples],
                  {"sample_rows": sample_rows,
                   "checks": [(kind, table, is_sampled, [repr(c) for c in checks])
                              for kind, table, _, is_sampled, checks in samples]})
    return memoized("quality", key, lambda: _validate_samples(samples, sample_rows))


def _validate_samples(samples: list, sample_rows: int) -> pd.DataFrame:
    source = _pandas_source() if samples else None
    rows: list[dict] = []
    for kind, table, frame, is_sampled, checks in samples:
        for row in _validate(source, frame, f"{kind}_{table}", table, checks):
            if is_sampled and not row["success"]:
                row["details"] = f"{row['details']} (on a {sample_rows}-row sample of a larger table)".lstrip()
            rows.append({"suite": kind, **row, "is_sampled": is_sampled, "sample_rows": sample_rows})
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return results.astype({"suite": "string", "table_name": "string", "column_name": "string",
                           "expectation": "string", "success": bool, "unexpected_count": "int64",
                           "element_count": "int64", "is_sampled": bool, "sample_rows": "int64",
                           "details": "string"})


def failure_message(results: pd.DataFrame) -> str:
    """One line per failed expectation: table, column, expectation and count ('' if none failed)."""
    failed = results[~results["success"].astype(bool)]
    return "\n".join(
        f"{row.suite} {row.table_name}.{row.column_name if pd.notna(row.column_name) else '*'}: "
        f"{row.expectation} failed on {row.unexpected_count} of {row.element_count} rows {row.details}".rstrip()
        for row in failed.itertuples()
    )
