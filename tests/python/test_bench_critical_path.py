"""custseg.bench.critical_path: the chain of nodes that decided when a dbt build ended, from its artifacts."""

from __future__ import annotations

import json

from custseg.bench.critical_path import critical_path, read_artifacts, render


def _span(uid: str, start: float, end: float) -> dict:
    def at(seconds: float) -> str:
        return f"2026-12-06T10:00:{seconds:06.3f}Z"

    return {"unique_id": uid, "timing": [{"name": "compile", "started_at": at(start), "completed_at": at(start)},
                                         {"name": "execute", "started_at": at(start), "completed_at": at(end)}]}


def _write(folder, nodes: dict, spans: list[dict]) -> None:
    (folder / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    (folder / "run_results.json").write_text(json.dumps({"results": spans}))


def test_a_model_waits_for_its_parents_key_test(tmp_path):
    nodes = {
        "model.p.raw": {"resource_type": "model", "depends_on": {"nodes": []}},
        "model.p.lines": {"resource_type": "model", "depends_on": {"nodes": ["model.p.raw"]}},
        "test.p.key_lines": {"resource_type": "test", "depends_on": {"nodes": ["model.p.lines"]}},
        "model.p.side": {"resource_type": "model", "depends_on": {"nodes": ["model.p.raw"]}},
        "model.p.totals": {"resource_type": "model", "depends_on": {"nodes": ["model.p.lines", "model.p.side"]}},
    }
    _write(tmp_path, nodes, [
        _span("model.p.raw", 0, 1), _span("model.p.lines", 1, 3), _span("model.p.side", 1, 5),
        _span("test.p.key_lines", 3, 7), _span("model.p.totals", 7, 8),
        _span("operation.p.p-on-run-end-0", 8, 20)])
    path = critical_path(*read_artifacts(tmp_path))
    assert path == [{"node": "model.p.raw", "start": 0.0, "seconds": 1.0},
                    {"node": "model.p.lines", "start": 1.0, "seconds": 2.0},
                    {"node": "test.p.key_lines", "start": 3.0, "seconds": 4.0},
                    {"node": "model.p.totals", "start": 7.0, "seconds": 1.0}]
    assert render(path, at_least=2.0) == "lines 2.0 s (at 1 s); key_lines 4.0 s (at 3 s); 2 shorter nodes 2.0 s"


def test_no_artifacts_no_path(tmp_path):
    assert read_artifacts(tmp_path) is None
    _write(tmp_path, {}, [_span("operation.p.p-on-run-end-0", 0, 1)])  # only the hooks ran
    assert critical_path(*read_artifacts(tmp_path)) == []


def test_a_test_of_two_models_does_not_hold_back_their_children(tmp_path):
    # dbt build runs a test of several models after all of them, without blocking their children.
    nodes = {
        "model.p.lines": {"resource_type": "model", "depends_on": {"nodes": []}},
        "model.p.side": {"resource_type": "model", "depends_on": {"nodes": []}},
        "test.p.lines_vs_side": {"resource_type": "test", "depends_on": {"nodes": ["model.p.lines", "model.p.side"]}},
        "model.p.totals": {"resource_type": "model", "depends_on": {"nodes": ["model.p.lines"]}},
        "model.p.report": {"resource_type": "model", "depends_on": {"nodes": ["model.p.totals"]}},
    }
    _write(tmp_path, nodes, [
        _span("model.p.lines", 0, 2), _span("model.p.side", 0, 1), _span("test.p.lines_vs_side", 2, 6),
        _span("model.p.totals", 2, 4), _span("model.p.report", 4, 9)])
    assert [step["node"] for step in critical_path(*read_artifacts(tmp_path))] == ["model.p.lines", "model.p.totals", "model.p.report"]
