"""The critical path of a dbt build: the chain of nodes that decided when it ended, from its run_results.json.

``dbt build`` starts a node when its parents have finished and so have the tests of its parents (a parent's
failing test skips it). Walking back from the last node to finish (the on-run-end hooks aside), each step takes
the parent or parent test that finished last: that chain is what a faster build has to shorten. A node that is
not on it only costs time through the cores it takes from the chain (the build is CPU-bound on 2 cores).
The benchmark prints it for each project build (``custseg bench``: the results file's "Critical path").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _spans(results: dict) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Each executed node's (start, end): from the start of its compile step (a Python model's or a test's
    compile is part of its turn on a thread) to the end of its execute step."""
    spans = {}
    for node in results["results"]:
        steps = {step["name"]: step for step in node.get("timing", []) if step.get("started_at")}
        if "execute" not in steps:
            continue
        start = steps.get("compile", steps["execute"])["started_at"]
        spans[node["unique_id"]] = (_time(start), _time(steps["execute"]["completed_at"]))
    return spans


def read_artifacts(target: Path) -> tuple[dict, dict] | None:
    """A dbt build's run_results.json and its manifest's nodes, from its target folder; None without them."""
    run_results, manifest = Path(target) / "run_results.json", Path(target) / "manifest.json"
    if not (run_results.exists() and manifest.exists()):
        return None
    return json.loads(run_results.read_text()), json.loads(manifest.read_text())["nodes"]


def critical_path(results: dict, nodes: dict) -> list[dict]:
    """The build's critical path from its run results and the manifest's nodes (:func:`read_artifacts`), first
    node first: ``{"node", "start", "seconds"}`` per node (``start``: seconds since the first node started)."""
    spans = _spans(results)
    if not spans:
        return []
    tests_of: dict[str, list[str]] = {}
    for uid, node in nodes.items():
        parents = node.get("depends_on", {}).get("nodes", [])
        if node.get("resource_type") == "test" and len(parents) == 1:
            tests_of.setdefault(parents[0], []).append(uid)

    def waited_for(uid: str) -> list[str]:
        parents = [p for p in nodes.get(uid, {}).get("depends_on", {}).get("nodes", []) if p in spans]
        if nodes.get(uid, {}).get("resource_type") != "test":
            parents += [t for p in parents for t in tests_of.get(p, []) if t in spans]
        return parents

    built = [uid for uid in spans if not uid.startswith("operation.")]
    if not built:
        return []
    first = min(start for start, _ in spans.values())
    chain, uid = [], max(built, key=lambda u: (spans[u][1], u))
    while uid is not None:
        chain.append(uid)
        before = waited_for(uid)
        uid = max(before, key=lambda u: (spans[u][1], u)) if before else None
    return [{"node": uid, "start": round((spans[uid][0] - first).total_seconds(), 2),
             "seconds": round((spans[uid][1] - spans[uid][0]).total_seconds(), 2)} for uid in reversed(chain)]


def render(path: list[dict], at_least: float = 1.0) -> str:
    """One line: the path's nodes of ``at_least`` seconds, each with its start, and the time of the others."""
    shown = [f"{step['node'].split('.')[2]} "
             f"{step['seconds']:.1f} s (at {step['start']:.0f} s)" for step in path if step["seconds"] >= at_least]
    rest = sum(step["seconds"] for step in path if step["seconds"] < at_least)
    return "; ".join([*shown, f"{sum(s['seconds'] < at_least for s in path)} shorter nodes {rest:.1f} s"])
