"""Validate pandas DataFrames with Great Expectations 1.x and return one row per expectation."""

from __future__ import annotations

import logging
from functools import partial

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


# Tables above this many rows are checked with exact SQL aggregates over every row; Great Expectations
# then validates a deterministic sample of this many rows (for example values). See sql_counts.py.
MAX_PANDAS_ROWS = 50_000


def _sample(relation, columns: list[str], rows: int, count: int) -> pd.DataFrame:
    """A deterministic pseudo-random sample: the ``rows`` rows with the smallest hash of the checked columns
    (a top-N, so memory stays bounded; ties are identical rows). ``count``: the relation's row count.

    Those rows are the first ``rows`` of the rows whose hash is below a bound that about twice as many pass,
    so the top-N runs after that filter instead of over every row (at 10M rows: 0.7 s instead of 2.7 s). In
    the unlikely case that fewer pass, the top-N over every row is taken: the sample is the same either way.
    """
    cols = ", ".join(f'"{c}"' for c in columns)
    top = f"order by hash({cols}), {cols} limit {int(rows)}"
    if count > 2 * rows:
        bound = 2**64 * 2 * rows // count
        sample = relation.query("quality_table", f"select {cols} from quality_table "
                                                 f"where hash({cols}) < {bound}::ubigint {top}").df()
        if len(sample) == rows:
            return sample
    return relation.query("quality_table", f"select {cols} from quality_table {top}").df()


def _large_rows(table: str, checks: list[Check], outcomes, sampled: list[dict], rows: int) -> list[dict]:
    """Result rows of a large table: exact counts from SQL, example values from GE on its sample."""
    results = []
    for check, outcome, sample_row in zip(checks, outcomes, sampled):
        details = ""
        if not outcome.success:
            examples = sample_row["details"]
            details = (f"{examples} " if examples else "") + f"(counted in SQL over all rows; GE on a {rows}-row sample)"
        results.append({"table_name": table, "column_name": check.column, "expectation": check.expectation,
                        "success": outcome.success, "unexpected_count": outcome.unexpected_count,
                        "element_count": outcome.element_count, "details": details})
    return results


def _great_expectations(dataset: str, small: dict[str, dict[str, pd.DataFrame]],
                        samples: dict[tuple[str, str], tuple[pd.DataFrame, list[Check]]]):
    """All the Great Expectations work of one run: the small tables whole, the samples of the large ones.

    A module-level function of DataFrames, so :func:`custseg.workers.run_in_worker` can run it in a worker
    process (Great Expectations is then never imported by the dbt process).
    """
    sampled = {key: _validate(frame, key[1], checks) for key, (frame, checks) in samples.items()}
    return validate_tables(dataset, small), sampled


def load_and_validate(dataset: str, relations: dict[str, dict[str, object]],
                      max_rows: int = MAX_PANDAS_ROWS) -> pd.DataFrame:
    """:func:`validate_relations` with dbt's own objects kept out of garbage collection (custseg.frozen_heap)."""
    from custseg.frozen_heap import frozen_heap

    with frozen_heap():
        return validate_relations(dataset, relations, max_rows)


def validate_relations(dataset: str, relations: dict[str, dict[str, object]],
                       max_rows: int = MAX_PANDAS_ROWS) -> pd.DataFrame:
    """Validate DuckDB relations (as a dbt Python model gets from ``dbt.ref``) with the suites.

    ``relations`` is {'raw'|'clean': {table: relation}}. Tables of at most ``max_rows`` rows are read into
    pandas (only the columns the suites need) and validated by Great Expectations as a whole; larger ones
    get exact SQL aggregate counts plus GE on a deterministic ``max_rows`` sample (``_large_rows``), so
    memory stays bounded whatever the size. Both routes give the same success and counts. The Great
    Expectations part runs in a worker process when ``CUSTSEG_WORKER_PROCESSES`` is set (custseg.workers).
    """
    from custseg.quality.sql_counts import sql_outcomes
    from custseg.quality.suites import columns_needed
    from custseg.workers import run_in_worker

    required = set(required_tables(dataset))
    small: dict[str, dict[str, pd.DataFrame]] = {}
    samples: dict[tuple[str, str], tuple[pd.DataFrame, list[Check]]] = {}
    large: list[tuple[str, str, int, list[Check], list]] = []  # (kind, table, rows, checks, SQL outcomes)
    for kind, tables in relations.items():
        suites = suites_for(kind)
        small[kind] = {}
        for table, relation in tables.items():
            if table not in suites:
                raise ValueError(f"no {kind} suite for table {table!r}")
            columns = columns_needed(suites[table])
            count = int(relation.query("quality_table", "select count(*) from quality_table").fetchall()[0][0])
            if count <= max_rows:
                small[kind][table] = relation.project(", ".join(f'"{c}"' for c in columns)).df()
                continue
            # Exact counts from SQL over all rows; GE on a deterministic sample supplies example values.
            large.append((kind, table, count, suites[table], sql_outcomes(relation, suites[table])))
            samples[(kind, table)] = (_sample(relation, columns, max_rows, count), suites[table])
    results, sampled = run_in_worker(partial(_great_expectations, dataset, small, samples))
    large_rows: list[dict] = []
    for kind, table, count, checks, outcomes in large:
        if table in required:
            large_rows.append({"suite": kind, "table_name": table, "column_name": None,
                               "expectation": "ExpectTableRowCountToBeBetween", "success": True,
                               "unexpected_count": 0, "element_count": count, "details": ""})
        large_rows.extend({"suite": kind, **row}
                          for row in _large_rows(table, checks, outcomes, sampled[(kind, table)], max_rows))
    if large_rows:
        results = pd.concat([results, pd.DataFrame(large_rows, columns=RESULT_COLUMNS)], ignore_index=True)
        results["column_name"] = results["column_name"].astype("string")
    return _sorted(results)


def _sorted(results: pd.DataFrame) -> pd.DataFrame:
    """Rows in suite order (raw, clean), then table, then the suite's check order: the same whatever the route."""
    order = {"raw": 0, "clean": 1}
    keyed = results.assign(_suite=results["suite"].map(order), _pos=range(len(results)))
    return (keyed.sort_values(["_suite", "table_name", "_pos"], kind="stable")
            .drop(columns=["_suite", "_pos"]).reset_index(drop=True))
