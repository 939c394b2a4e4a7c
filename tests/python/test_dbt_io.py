"""custseg.dbt_io.to_arrow: what dbt.ref() returns (DuckDB relation, Spark DataFrame) or a frame, as Arrow."""

from __future__ import annotations

import sys
import types

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from custseg.dbt_io import to_arrow

ROWS = pd.DataFrame({"file": ["b", "a", "a", "b", "a", None], "row": [2, 1, 3, 1, 2, 9],
                     "value": [0.5, None, 2.0, 3.5, -1.0, 7.0]})


@pytest.fixture()
def relation():
    con = duckdb.connect()
    con.execute("create table lines as select * from ROWS")
    yield con.table("lines")
    con.close()


def test_a_duckdb_relation_becomes_a_pyarrow_table(relation):
    table = to_arrow(relation)
    assert isinstance(table, pa.Table)
    assert table.to_pandas().equals(ROWS)  # insertion order, every column
    assert to_arrow(relation).equals(table)  # the relation (and its connection) stays usable


def test_limit_takes_the_first_rows_of_the_order(relation):
    got = to_arrow(relation, 3, order_by=["file", "row"], columns=["row", "value"])
    assert got.column_names == ["row", "value"]
    assert got.to_pylist() == [{"row": 1, "value": None}, {"row": 2, "value": -1.0}, {"row": 3, "value": 2.0}]
    # SQL expressions order too (the sample of the quality checks is ordered by a hash), ties broken by the key
    expected = relation.query("t", "select value from t order by hash(file, row), file, row limit 4").df()
    hashed = to_arrow(relation, 4, order_by=["hash(file, row)", "file", "row"], columns="value")
    assert hashed.to_pandas().equals(expected)
    assert to_arrow(relation, 0).num_rows == 0 and to_arrow(relation, 100).num_rows == len(ROWS)


@pytest.mark.parametrize("make", [lambda frame: frame, lambda frame: pa.Table.from_pandas(frame)],
                         ids=["pandas", "pyarrow"])
def test_in_memory_frames_read_like_a_relation(relation, make):
    frame = make(ROWS)
    assert to_arrow(frame).to_pandas().equals(ROWS)
    assert to_arrow(frame, 2, columns=["value", "file"]).to_pylist() == [
        {"value": 0.5, "file": "b"}, {"value": None, "file": "a"}]  # no order: the first rows as stored
    for order_by in (["file", "row"], "hash(row) desc"):
        assert to_arrow(frame, 4, order_by=order_by).equals(to_arrow(relation, 4, order_by=order_by))


class _FakeSparkFrame:
    """The few DataFrame methods to_arrow uses, over a pandas frame (pyspark is not installed here)."""

    def __init__(self, frame: pd.DataFrame, arrow: bool):
        self.frame, self.arrow, self.calls = frame, arrow, []
        if arrow:
            self.toArrow = lambda: pa.Table.from_pandas(self.frame, preserve_index=False)

    def _next(self, frame, call):
        out = _FakeSparkFrame(frame.reset_index(drop=True), self.arrow)
        out.calls = [*self.calls, call]
        return out

    def orderBy(self, *columns):
        return self._next(self.frame.sort_values([c.name for c in columns]), "orderBy")

    def limit(self, n):
        return self._next(self.frame.head(n), "limit")

    def select(self, *columns):
        return self._next(self.frame[list(columns)], "select")

    def toPandas(self):
        return self.frame


@pytest.mark.parametrize("arrow", [True, False], ids=["toArrow", "toPandas"])
def test_a_spark_dataframe_is_read_through_toarrow_or_topandas(monkeypatch, arrow):
    functions = types.ModuleType("pyspark.sql.functions")
    functions.expr = lambda sql: types.SimpleNamespace(name=sql)
    monkeypatch.setitem(sys.modules, "pyspark", types.ModuleType("pyspark"))
    monkeypatch.setitem(sys.modules, "pyspark.sql", types.ModuleType("pyspark.sql"))
    monkeypatch.setitem(sys.modules, "pyspark.sql.functions", functions)
    got = to_arrow(_FakeSparkFrame(ROWS, arrow), 2, order_by=["row", "file"], columns=["file", "row"])
    assert got.to_pylist() == [{"file": "a", "row": 1}, {"file": "b", "row": 1}]
    assert to_arrow(_FakeSparkFrame(ROWS, arrow)).to_pandas().equals(ROWS)


def test_what_it_cannot_read_is_named():
    with pytest.raises(TypeError, match="cannot read a builtins.list"):
        to_arrow([1, 2])
    with pytest.raises(ValueError, match="limit must be a non-negative integer"):
        to_arrow(ROWS, -1)
