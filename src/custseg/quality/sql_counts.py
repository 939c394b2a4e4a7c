"""Exact expectation outcomes of large tables, computed as SQL aggregates in DuckDB.

Reading a 50M-row table into pandas for Great Expectations needs gigabytes and minutes. For tables
above ``load_and_validate``'s ``max_rows`` the runner therefore counts every check's unexpected
rows with one aggregate query per table (uniqueness checks: one ``group by`` each) over **all**
rows, and runs GE itself only on a deterministic sample (for the example values in ``details``).
The counts follow GE 1.x semantics, so both routes give the same rows (tests/python/
test_quality_sql_counts.py checks this against GE on small tables):

- element_count is the table's row count;
- ExpectColumnValuesToNotBeNull / ToBeNull count null / non-null values, ``mostly`` over all rows;
- other column checks ignore nulls: ``mostly`` is over the non-null values;
- ExpectColumnValuesToBeUnique / ExpectCompoundColumnsToBeUnique count every row of a duplicated
  value (rows whose compound values are all null are ignored), in passes of at most ~10M rows each so
  memory stays bounded (``PASS_ROWS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from custseg.quality.suites import Check

SUPPORTED = ("ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeNull", "ExpectColumnValuesToBeBetween",
             "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToNotBeInSet", "ExpectColumnValuesToBeUnique",
             "ExpectCompoundColumnsToBeUnique")


@dataclass(frozen=True)
class Outcome:
    success: bool
    unexpected_count: int
    element_count: int


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _unexpected_expression(check: Check) -> str | None:
    """SQL counting the unexpected rows of a row-wise check (None for uniqueness checks)."""
    kw, name = check.kwargs, check.expectation
    if name not in SUPPORTED:
        raise ValueError(f"no SQL translation for expectation {name!r}; supported: {', '.join(SUPPORTED)}")
    if name == "ExpectColumnValuesToNotBeNull":
        return f"count(*) - count({_q(kw['column'])})"
    if name == "ExpectColumnValuesToBeNull":
        return f"count({_q(kw['column'])})"
    col = _q(kw.get("column", ""))
    if name == "ExpectColumnValuesToBeBetween":
        bad = []
        if kw.get("min_value") is not None:
            bad.append(f"{col} {'<=' if kw.get('strict_min') else '<'} {_literal(kw['min_value'])}")
        if kw.get("max_value") is not None:
            bad.append(f"{col} {'>=' if kw.get('strict_max') else '>'} {_literal(kw['max_value'])}")
        return f"count(*) filter (where {' or '.join(bad) or 'false'})"
    if name in ("ExpectColumnValuesToBeInSet", "ExpectColumnValuesToNotBeInSet"):
        values = ", ".join(_literal(v) for v in kw["value_set"]) or "null"
        negate = "not " if name == "ExpectColumnValuesToBeInSet" else ""
        return f"count(*) filter (where {col} is not null and {negate}({col} in ({values})))"
    return None


TABLE = "quality_table"


def _fetch(relation, sql: str) -> tuple:
    """Run ``sql`` (reading the table as ``quality_table``) on a DuckDB relation."""
    return relation.query(TABLE, sql).fetchall()[0]


# Rows per pass of a uniqueness count: its hash table holds every distinct key, ~75 bytes each in DuckDB (a
# (file, row) key of 50M order lines took 3.7 GB in one pass, and ran beside the fits in the build).
PASS_ROWS = 10_000_000


def _duplicate_rows(relation, columns: list[str], rows: int) -> int:
    """Rows whose values of ``columns`` repeat (all-null keys ignored), counted in passes of about
    ``PASS_ROWS`` rows each: equal keys have equal hashes, so each pass takes the keys of one hash residue
    and the passes' counts add up to the exact total, with a hash table a pass's size."""
    cols = ", ".join(_q(c) for c in columns)
    not_all_null = " or ".join(f"{_q(c)} is not null" for c in columns)
    passes = max(1, -(-rows // PASS_ROWS))
    total = 0
    for part in range(passes):
        in_pass = f" and hash({cols}) % {passes} = {part}" if passes > 1 else ""
        sql = (f"select coalesce(sum(n), 0) from (select count(*) as n from {TABLE} where ({not_all_null})"
               f"{in_pass} group by {cols} having count(*) > 1)")
        total += int(_fetch(relation, sql)[0])
    return total


def sql_outcomes(relation, checks: list[Check]) -> list[Outcome]:
    """One :class:`Outcome` per check of ``checks`` on ``relation`` (a DuckDB relation)."""
    selects = ["count(*)"]
    for check in checks:
        expression = _unexpected_expression(check)
        column = check.kwargs.get("column")
        selects.append(expression or "0")
        selects.append(f"count({_q(column)})" if column else "count(*)")
    row = _fetch(relation, f"select {', '.join(selects)} from {TABLE}")
    total = int(row[0])
    outcomes = []
    for index, check in enumerate(checks):
        unexpected, nonnull = int(row[1 + 2 * index]), int(row[2 + 2 * index])
        if check.expectation == "ExpectColumnValuesToBeUnique":
            unexpected = _duplicate_rows(relation, [check.kwargs["column"]], total)
        elif check.expectation == "ExpectCompoundColumnsToBeUnique":
            unexpected = _duplicate_rows(relation, list(check.kwargs["column_list"]), total)
        mostly = float(check.kwargs.get("mostly", 1.0))
        if check.expectation in ("ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeNull",
                                 "ExpectCompoundColumnsToBeUnique"):
            base = total
        else:
            base = nonnull
        success = base == 0 or (base - unexpected) / base >= mostly
        outcomes.append(Outcome(bool(success), unexpected, total))
    return outcomes
