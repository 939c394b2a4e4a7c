"""The edge between a dbt Python model and the tested package: whatever ``dbt.ref()`` returns, as Arrow.

``to_arrow`` accepts what a dbt adapter hands a Python model (a DuckDB relation with dbt-duckdb, a Spark
DataFrame with dbt-spark / Databricks) and what a test passes instead (a pandas DataFrame or a pyarrow
Table), so the package's functions take a ``pyarrow.Table`` and never depend on one engine's API.

A bounded read (``limit``) is deterministic when ``order_by`` gives a total order: the first ``limit`` rows
of ``... order by <order_by>``. The expressions are SQL in the engine's own dialect (plain column names are
portable; ``hash(a, b)`` exists in DuckDB and Spark SQL, with different values, so each engine's sample is
stable but not the same sample). Ascending order puts nulls last in DuckDB and first in Spark. pandas and
pyarrow inputs are ordered by an in-memory DuckDB, with DuckDB's semantics. Without ``order_by`` the first
``limit`` rows are those the engine returns first: insertion order for a DuckDB table or an in-memory
frame, unspecified on a distributed engine.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa


def _names(items: str | Sequence[str] | None) -> list[str]:
    if items is None:
        return []
    return [items] if isinstance(items, str) else list(items)


def _quoted(columns: list[str]) -> str:
    return ", ".join('"' + column.replace('"', '""') + '"' for column in columns)


def _duckdb(relation, limit: int | None, order_by: list[str], columns: list[str]) -> pa.Table:
    if order_by:
        relation = relation.order(", ".join(order_by))
    if limit is not None:
        relation = relation.limit(limit)
    if columns:
        relation = relation.project(_quoted(columns))
    # duckdb 2.0: .arrow() is a RecordBatchReader (and holds the connection until drained); read it whole.
    return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow().read_all()


def _spark(frame, limit: int | None, order_by: list[str], columns: list[str]) -> pa.Table:
    if order_by:
        from pyspark.sql.functions import expr

        frame = frame.orderBy(*[expr(expression) for expression in order_by])
    if limit is not None:
        frame = frame.limit(limit)
    if columns:
        frame = frame.select(*columns)
    if hasattr(frame, "toArrow"):  # Spark >= 4.0
        return frame.toArrow()
    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)


def _in_memory(table: pa.Table, limit: int | None, order_by: list[str], columns: list[str]) -> pa.Table:
    if order_by:
        import duckdb

        with duckdb.connect() as con:
            return _duckdb(con.from_arrow(table), limit, order_by, columns)
    if columns:
        table = table.select(columns)
    return table.slice(0, limit) if limit is not None else table


def to_arrow(relation, limit: int | None = None, *, order_by: str | Sequence[str] | None = None,
             columns: Sequence[str] | None = None) -> pa.Table:
    """``relation`` (what ``dbt.ref()`` returns, or a pandas DataFrame / pyarrow Table) as a pyarrow Table.

    ``limit``: read at most this many rows, the first ones of ``order by <order_by>`` (SQL ordering
    expressions, e.g. ``["hash(source_file, source_row)", "source_file", "source_row"]``; see the module
    docstring for what makes the read deterministic). ``columns``: read only these columns (after ordering,
    so ``order_by`` may use others). The engine does the ordering and the limit, so memory holds ``limit``
    rows, not the table.
    """
    if limit is not None and (isinstance(limit, bool) or int(limit) != limit or limit < 0):
        raise ValueError(f"limit must be a non-negative integer or None, not {limit!r}")
    order, cols = _names(order_by), _names(columns)
    if isinstance(relation, pa.Table):
        return _in_memory(relation, limit, order, cols)
    if isinstance(relation, pd.DataFrame):
        return _in_memory(pa.Table.from_pandas(relation, preserve_index=False), limit, order, cols)
    if type(relation).__module__.split(".")[0] == "duckdb":
        return _duckdb(relation, limit, order, cols)
    if hasattr(relation, "toPandas") and hasattr(relation, "orderBy"):
        return _spark(relation, limit, order, cols)
    raise TypeError(f"to_arrow: cannot read a {type(relation).__module__}.{type(relation).__name__}; expected a "
                    "DuckDB relation, a Spark DataFrame, a pandas DataFrame or a pyarrow Table")


def to_table(frame) -> pa.Table:
    """What a model returns: a pandas DataFrame (or Arrow) as a pyarrow Table, pandas string columns as Arrow
    strings, so every adapter writes the same column types also when the table has no rows."""
    if isinstance(frame, pa.Table):
        return frame
    import pandas as pd

    frame = frame.astype({c: "object" for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)})
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    fields = [pa.field(f.name, pa.string()) if f.type == pa.null() or f.type == pa.large_string() else f
              for f in schema]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
