"""Validate pandas DataFrames with Great Expectations 1.x and return one row per expectation."""

from __future__ import annotations

import logging

import pandas as pd

from custseg.quality.suites import Check, required_tables, suites_for

RESULT_COLUMNS = ["suite", "table_name", "column_name", "expectation", "success", "unexpected_count",
                  "element_count", "details"]


def _expectation(check: Check, index: int):
    import great_expectations.expectations as gxe

    try:
        cls = getattr(gxe, check.expectation)
    except AttributeError as err:
        raise ValueError(f"unknown Great Expectations expectation {check.expectation!r}") from err
    return cls(**check.kwargs, meta={"check_index": index})


def _quiet_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _validate(frame: pd.DataFrame, table: str, checks: list[Check]) -> list[dict]:
    """Validate one DataFrame against its checks as one GE suite; one result row per check."""
    import great_expectations as gx

    context = _quiet_context()
    batch = (context.data_sources.add_pandas(f"quality_{table}")
             .add_dataframe_asset(name=table)
             .add_batch_definition_whole_dataframe("whole_table")
             .get_batch(batch_parameters={"dataframe": frame}))
    suite = gx.ExpectationSuite(name=f"{table}_suite")
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
        rows.append({
            "table_name": table,
            "column_name": check.column,
            "expectation": check.expectation,
            "success": bool(outcome.success),
            "unexpected_count": int(result.get("unexpected_count") or 0),
            "element_count": int(result.get("element_count") or len(frame)),
            "details": details,
        })
    return rows


def validate_tables(dataset: str, tables: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame:
    """Run the raw and clean suites on ``tables`` ({'raw'|'clean': {table: DataFrame}}).

    Empty tables are skipped, except those the data set must fill: each of those gets a failed
    ``ExpectTableRowCountToBeBetween`` row. Results are sorted, so the output is deterministic.
    """
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    required = set(required_tables(dataset))
    rows: list[dict] = []
    for kind in ("raw", "clean"):
        suites = suites_for(kind)
        for table, frame in sorted(tables.get(kind, {}).items()):
            if table not in suites:
                raise ValueError(f"no {kind} suite for table {table!r}")
            if table in required:
                rows.append({"suite": kind, "table_name": table, "column_name": None,
                             "expectation": "ExpectTableRowCountToBeBetween", "success": len(frame) > 0,
                             "unexpected_count": 0 if len(frame) else 1, "element_count": len(frame),
                             "details": "" if len(frame) else f"{table} is empty for data set {dataset}"})
            if len(frame) == 0:
                continue
            rows.extend({"suite": kind, **row} for row in _validate(frame, table, suites[table]))
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    results["column_name"] = results["column_name"].astype("string")
    return results.reset_index(drop=True)


def failure_message(results: pd.DataFrame) -> str:
    """One line per failed expectation: table, column, expectation and count ('' if none failed)."""
    failed = results[~results["success"].astype(bool)]
    return "\n".join(
        f"{row.suite} {row.table_name}.{row.column_name or '*'}: {row.expectation} failed "
        f"on {row.unexpected_count} of {row.element_count} rows {row.details}".rstrip()
        for row in failed.itertuples()
    )


def load_and_validate(dataset: str, relations: dict[str, dict[str, object]]) -> pd.DataFrame:
    """Read only the columns the suites need from DuckDB relations, then ``validate_tables``.

    ``relations`` is {'raw'|'clean': {table: relation}}, as a dbt Python model gets from ``dbt.ref``.
    """
    from custseg.quality.suites import columns_needed

    frames: dict[str, dict[str, pd.DataFrame]] = {}
    for kind, tables in relations.items():
        suites = suites_for(kind)
        frames[kind] = {
            table: relation.project(", ".join(f'"{c}"' for c in columns_needed(suites[table]))).df()
            for table, relation in tables.items()
        }
    return validate_tables(dataset, frames)
