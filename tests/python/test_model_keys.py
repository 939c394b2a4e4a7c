"""Every model of the data layer has a description and a primary-key test; the primary_key test finds bad keys."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# The lead's ML folders (marts/segments, marts/response, python_models) are checked there.
FOLDERS = ["models/staging", "models/intermediate", "models/marts/core", "models/marts/features"]


def _models() -> dict[str, tuple[Path, dict | None]]:
    """Every model file in FOLDERS, with its entry in the folder's schema files (None when it has none)."""
    found = {}
    for folder in FOLDERS:
        entries = {}
        for schema in (REPO / folder).rglob("_*.yml"):
            for node in (yaml.safe_load(schema.read_text()) or {}).get("models", []) or []:
                entries[node["name"]] = node
        for path in [*(REPO / folder).rglob("*.sql"), *(REPO / folder).rglob("*.py")]:
            found[path.stem] = (path, entries.get(path.stem))
    return found


def _names(tests) -> list[str]:
    return [test if isinstance(test, str) else next(iter(test)) for test in tests or []]


def _has_key_test(node: dict) -> bool:
    if {"primary_key", "unique_combination"} & set(_names(node.get("data_tests"))):
        return True
    return any({"unique", "not_null"} <= set(_names(column.get("data_tests"))) for column in node.get("columns") or [])


def test_every_model_has_a_description_and_a_primary_key_test():
    models = _models()
    assert len(models) >= 60  # five data sets' staging models included, enabled or not
    missing = {name: str(path.relative_to(REPO)) for name, (path, node) in models.items() if node is None}
    assert missing == {}
    undescribed = sorted(name for name, (_, node) in models.items() if not (node.get("description") or "").strip())
    assert undescribed == []
    keyless = sorted(name for name, (_, node) in models.items() if not _has_key_test(node))
    assert keyless == []


def _render_test(name: str, **kwargs) -> str:
    source = (REPO / "macros" / "testing" / f"test_{name}.sql").read_text()
    source = source.replace(f"{{% test {name}(", f"{{% macro {name}(").replace("{% endtest %}", "{% endmacro %}")
    module = jinja2.Environment().from_string(source).module
    return str(getattr(module, name)(**kwargs))


@pytest.mark.parametrize("rows,bad", [
    ([("a", 1), ("a", 2), ("b", 1)], []),
    ([("a", 1), ("a", 1), ("b", 1)], [("a", 1, 2)]),  # a repeated key
    ([("a", 1), (None, 2), ("b", None)], [(None, 2, 1), ("b", None, 1)]),  # a key with a null part
])
def test_primary_key_returns_repeated_keys_and_keys_with_nulls(rows, bad):
    con = duckdb.connect()
    con.execute("create table lines (source_file varchar, source_row bigint)")
    con.executemany("insert into lines values (?, ?)", rows)
    sql = _render_test("primary_key", model="lines", columns=["source_file", "source_row"])
    assert sorted(con.execute(sql).fetchall(), key=repr) == sorted(bad, key=repr)
