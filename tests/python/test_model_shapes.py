"""Checks of the files in python_models/ (issue "the model is data"); this file is a pytest module, not a model.
Each of them is a short function ``model`` of dbt and the session that reads its tables with literal ``dbt.ref``
calls, every one of them used, and calls one function of the tested package; the fits read bounded tables;
``src/`` holds no process machinery."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON_MODELS = sorted([*(REPO / "python_models").rglob("*.py"), *(REPO / "models").rglob("*.py")])
# The fits and what table each reads its rows from (bounded in SQL: vars customer_fit_rows, response_fit_rows,
# population_fit_rows); the check models read the whole table as well, to compare every customer.
FIT_INPUTS = {
    "segment_k_selection": "int_customer_fit_sample", "segment_centroids": "int_customer_fit_sample",
    "population_segment_centroids": "int_population_fit_sample",
    "response_cv_predictions": "int_response_fit_sample", "response_logit_coefficients": "int_response_fit_sample",
    "response_tree_nodes": "int_response_fit_sample", "response_feature_importance": "int_response_fit_sample",
}


def _refs(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "ref"
            and getattr(node.func.value, "id", None) == "dbt"]


def test_there_are_python_models():
    assert len(PYTHON_MODELS) >= 14


@pytest.mark.parametrize("path", PYTHON_MODELS, ids=lambda p: p.stem)
def test_a_python_model_is_short_and_reads_tables_it_uses(path):
    source = path.read_text()
    tree = ast.parse(source)
    assert len(source.splitlines()) <= 25, f"{path.name}: {len(source.splitlines())} lines (at most 25)"
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert [f.name for f in functions] == ["model"] and [a.arg for a in functions[0].args.args] == ["dbt", "session"]
    refs = _refs(tree)
    assert refs, f"{path.name} reads no table"
    for call in refs:  # dbt finds a Python model's refs by parsing: they must be literal strings
        assert len(call.args) == 1 and isinstance(call.args[0], ast.Constant), f"{path.name}: dbt.ref of a non-literal"
    # Every table read is passed on (no ref only to order the build): each ref is an argument of to_arrow whose
    # result is used.
    assigned = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name) and any(ref in ast.walk(node.value) for ref in refs)}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    assert assigned <= used, f"{path.name}: table(s) read but not used: {sorted(assigned - used)}"
    # One computation, one table: the package's functions (custseg.*, but the dbt_io edge helpers) are called
    # once, and what that call returns is what the model returns (as a table).
    logic = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and (node.module or "").startswith("custseg") and node.module != "custseg.dbt_io" for alias in node.names}
    calls = [node for node in ast.walk(functions[0]) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id in logic]
    assert len(calls) == 1, f"{path.name} calls {len(calls)} functions of the package, not one"
    [returned] = [node.value for node in ast.walk(functions[0]) if isinstance(node, ast.Return)]
    if isinstance(returned, ast.Call) and getattr(returned.func, "id", None) == "to_table":
        returned = returned.args[0]
    assert returned is calls[0], f"{path.name} does not return what its one computation returns"


@pytest.mark.parametrize(("name", "table"), sorted(FIT_INPUTS.items()))
def test_a_fit_reads_its_bounded_table(name, table):
    path = next(p for p in PYTHON_MODELS if p.stem == name)
    refs = {call.args[0].value for call in _refs(ast.parse(path.read_text()))}
    assert table in refs
    assert not refs & {"customer_features", "response_training_set", "population_features"}, refs


def test_src_has_no_process_machinery():
    offenders = []
    for path in (REPO / "src").rglob("*.py"):
        text = path.read_text()
        for banned in ("multiprocessing", "gc.freeze", "os._exit", "ProcessPoolExecutor", "forkserver"):
            if banned in text:
                offenders.append(f"{path.relative_to(REPO)}: {banned}")
    assert offenders == []
