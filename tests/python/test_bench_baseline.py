"""``custseg bench --baseline <commit>``: the worktree and its venv, the command lines, the order of the runs and
the ratio lines. Fast: a throw-away git repository, fake builds, no dbt."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from custseg.bench import baseline as bl
from custseg.bench import runner
from custseg.bench.measure import StageResult


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A project with two commits: the first one's requirements/ equal the working tree's."""
    repo = tmp_path / "project"
    (repo / "requirements").mkdir(parents=True)
    (repo / "requirements" / "runtime.txt").write_text("duckdb==2.0.0\n")
    (repo / "requirements" / "dev.txt").write_text("-r runtime.txt\npytest==9.2.0\n")
    (repo / "src" / "custseg").mkdir(parents=True)
    (repo / "src" / "custseg" / "__init__.py").write_text("")
    (repo / "Makefile").write_text("build:\n\techo build\n")
    (repo / ".gitignore").write_text("bench/baselines/\n.venv\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    venv = tmp_path / "shared-venv"
    (venv / "bin").mkdir(parents=True)
    (repo / ".venv").symlink_to(venv)
    return repo


def test_baseline_worktree_with_the_shared_venv_is_made_once_and_reused(repo, tmp_path):
    first = _git(repo, "rev-parse", "HEAD")
    (repo / "README.md").write_text("later\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "second")
    base = bl.prepare(first[:9], repo)
    assert (base.commit, base.short, base.requested) == (first, first[:7], first[:9])
    assert base.path == repo / "bench" / "baselines" / first[:7]
    assert _git(base.path, "rev-parse", "HEAD") == first and not (base.path / "README.md").exists()
    assert base.shared_venv and (base.path / ".venv").resolve() == (tmp_path / "shared-venv").resolve()
    assert "equal the current ones" in base.venv_note
    again = bl.prepare(first, repo)  # the worktree is reused
    assert (again.path, again.commit, again.shared_venv) == (base.path, base.commit, True)
    assert "bench/" not in _git(repo, "status", "--porcelain")  # git-ignored
    meta = base.meta()
    assert json.loads(json.dumps(meta))["path"] == str(base.path)


def test_a_worktree_at_another_commit_is_not_reused(repo):
    first = _git(repo, "rev-parse", "HEAD")
    (repo / "README.md").write_text("later\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "second")
    second = _git(repo, "rev-parse", "HEAD")
    wrong = repo / "bench" / "baselines" / first[:7]
    _git(repo, "worktree", "add", "--detach", str(wrong), second)
    with pytest.raises(RuntimeError, match="not " + first[:7]):
        bl.prepare(first, repo)


def test_unknown_commit_fails_clearly(repo):
    with pytest.raises(RuntimeError, match="rev-parse"):
        bl.prepare("0000000deadbeef", repo)


def test_other_requirements_get_a_venv_of_their_own_made_by_their_make_setup(repo):
    old = _git(repo, "rev-parse", "HEAD")
    (repo / "requirements" / "runtime.txt").write_text("duckdb==2.1.0\n")  # the project moved on
    (repo / "requirements" / "extra.txt").write_text("x==1\n")
    assert bl.requirements_differ(repo, old) == ["requirements/extra.txt", "requirements/runtime.txt"]
    calls = []

    def run(cmd, **kw):
        if cmd[0] == "make":
            calls.append(cmd)
            return subprocess.CompletedProcess(cmd, 0, "", "")
        return subprocess.run(cmd, **kw)

    base = bl.prepare(old, repo, run=run)
    assert not base.shared_venv and not (base.path / ".venv").is_symlink()
    assert calls == [["make", "-C", str(base.path), "setup", calls[0][-1]]] and calls[0][-1].startswith("PYTHON=")
    assert "requirements/extra.txt, requirements/runtime.txt differ" in base.venv_note


def test_build_command_and_environment_use_the_folder_s_own_package(tmp_path):
    folder, raw, work = tmp_path / "b", tmp_path / "raw", tmp_path / "work"
    cmd = bl.build_command(folder, raw, work)
    assert cmd == ["make", "-C", str(folder), "build", "-o", ".venv/.installed", "-o", "data/sample/world.json",
                   "DATASET=sample", f"RAW_DATA_DIR={raw}", f"WAREHOUSE_DIR={work / 'warehouse'}",
                   f"DBT_TARGET_PATH={work / 'target'}"]
    env = bl.build_env(folder, work, {"PATH": "/bin", "PYTHONPATH": "/elsewhere/src", "CUSTSEG_FIT_CACHE_DIR": "/x"})
    assert env == {"PATH": "/bin", "PYTHONPATH": str(folder / "src"), "DBT_TARGET_PATH": str(work / "target"),
                   "DBT_LOG_PATH": str(work / "logs")}


def test_dry_run_refuses_a_build_that_would_pip_install(tmp_path):
    (tmp_path / "Makefile").write_text(
        "build: .venv/.installed\n\techo build\n.venv/.installed: req.txt\n\tpip install -r req.txt\n")
    (tmp_path / "req.txt").write_text("")
    plain = ["make", "-C", str(tmp_path), "build"]
    with pytest.raises(RuntimeError, match="set up a venv"):
        bl.check_no_setup(plain, env=None)
    bl.check_no_setup(bl.build_command(tmp_path, tmp_path, tmp_path), env=None)  # -o .venv/.installed


def test_project_and_baseline_runs_alternate_on_the_same_world(tmp_path, monkeypatch):
    world = tmp_path / "worlds" / "100k" / "data"
    (world / "order_lines").mkdir(parents=True)
    (world / "order_lines" / "part-00000.parquet").write_text("")
    (world / "world.json").write_text(json.dumps({"counts": {"order_lines": 100, "customers": 5}}))
    base = bl.Baseline("c2e3f5c", "c2e3f5c" + "0" * 33, "c2e3f5c", tmp_path / "baselines" / "c2e3f5c", True, "")
    calls = []

    def fake_project(raw, work, timeout, label, project_dir=runner.PROJECT_DIR):
        calls.append((label, project_dir, work, raw))
        seconds = {"project": 40.0, "baseline": 50.0, "project (no change)": 10.0, "baseline (no change)": 25.0}
        return StageResult(label, seconds[label], 1000.0, True, "", 60.0), {"dbt elapsed": seconds[label] / 2}, []

    monkeypatch.setattr(runner, "_project", fake_project)
    rows = runner.run_size("100k", tmp_path / "worlds", notebook_max_lines=10, timeout=None,
                           runs=("project", "no-change"), baseline=base)
    assert [(c[0], c[1]) for c in calls] == [("project", runner.PROJECT_DIR), ("baseline", base.path),
                                            ("baseline (no change)", base.path),
                                            ("project (no change)", runner.PROJECT_DIR)]  # ABBA
    assert len({c[3] for c in calls}) == 1  # one world folder
    own = tmp_path / "worlds" / "100k" / "baseline-c2e3f5c"
    assert calls[0][2] == calls[3][2] == tmp_path / "worlds" / "100k" / "project" != calls[1][2] == calls[2][2] == own
    totals = [r for r in rows if r["stage"] == "total"]
    assert all("load" in r and "load_end" in r and r["cpu_s"] == 60.0 for r in totals)
    assert all(r["commit"] == base.commit for r in rows if r["approach"].startswith("baseline"))
    summary = runner.summarize(rows)
    assert runner.baseline_lines(summary, "c2e3f5c") == [
        "100K: project/baseline = 0.8 (full build, CPU seconds 1.0: project 40.0 s (60.0 CPU s), peak 1,000 MB; "
        "baseline c2e3f5c 50.0 s (60.0 CPU s), peak 1,000 MB)",
        "100K: no-change rebuild project/baseline = 0.4 (no-change rebuild, CPU seconds 1.0: project 10.0 s (60.0 CPU s), "
        "peak 1,000 MB; baseline c2e3f5c 25.0 s (60.0 CPU s), peak 1,000 MB)",
        "100K: no-change rebuild / full build = 0.25 (project), 0.5 (baseline c2e3f5c)"]


def _totals(size, **seconds):
    return [{"size": size, "approach": a, "stage": "total", "seconds": s, "peak_mb": 100.0 * s, "ok": True,
             "order_lines": 10} for a, s in seconds.items()]


def test_ratio_lines_checks_and_results_files(tmp_path):
    rows = (_totals("100k", **{"project": 10, "baseline": 12}) +
            _totals("10m", **{"project": 40, "baseline": 100, "project (no change)": 10,
                              "baseline (no change)": 60}))
    summary = runner.summarize(rows)
    lines = runner.baseline_lines(summary, "c2e3f5c")
    assert lines[0] == ("100K: project/baseline = 0.83 (full build: project 10.0 s, peak 1,000 MB; "
                        "baseline c2e3f5c 12.0 s, peak 1,200 MB)")
    assert lines[1].startswith("10M: project/baseline = 0.4 (")
    assert lines[2].startswith("10M: no-change rebuild project/baseline = 0.17 (")
    assert lines[3] == "10M: no-change rebuild / full build = 0.25 (project), 0.6 (baseline c2e3f5c)"
    assert len(lines) == 4  # no no-change line at 100k: it did not run
    assert "10M: project/baseline = 0.4 (target <= 0.5): holds" in runner.checks(summary)
    slow = runner.checks(runner.summarize(_totals("10m", **{"project": 80, "baseline": 100,
                                                             "project (no change)": 40})))
    assert "10M: project/baseline = 0.8 (target <= 0.5): NOT MET (1.60x over)" in slow
    assert "10M: no-change rebuild / full build = 0.5 (target <= 0.3): NOT MET (1.67x over)" in slow
    failed = _totals("10m", project=40, baseline=100)
    failed[1]["ok"] = False
    assert runner.baseline_lines(runner.summarize(failed), "x") == []
    unmeasured = _totals("1m", project=4, baseline=5)
    unmeasured[0]["cpu_s"], unmeasured[1]["cpu_s"] = 3.0, float("nan")  # a wrapper that did not count CPU
    assert "CPU seconds" not in runner.baseline_lines(runner.summarize(unmeasured), "x")[0]  # no ratio

    meta = {"started": "2026-12-01T00:00:00Z", "load_start": "1.0/1.0/1.0", "project_commit": "abc1234",
            "baseline": {"commit": "c2e3f5c" + "0" * 33, "short": "c2e3f5c", "requested": "c2e3f5c",
                         "path": "bench/baselines/c2e3f5c", "venv_note": "the project's venv"}}
    path = runner._write(rows, tmp_path, meta, final=False)
    text = path.read_text()
    assert "## Baseline" in text and "- 10M: project/baseline = 0.4 (" in text and "`--baseline c2e3f5c`" in text
    document = json.loads(path.with_suffix(".json").read_text())
    assert document["baseline_lines"] == lines and document["meta"]["baseline"]["short"] == "c2e3f5c"
    assert document["summary"][1]["project_over_baseline"] == 0.4


def test_cli_passes_the_baseline_on(monkeypatch):
    from custseg import cli

    seen = {}
    monkeypatch.setattr(runner, "run_bench", lambda sizes, out, **kw: seen.update(sizes=sizes, **kw))
    cli.main(["bench", "--sizes", "100k", "--runs", "project,no-change", "--baseline", "c2e3f5c"])
    assert seen["sizes"] == ["100k"] and seen["runs"] == ("project", "no-change") and seen["baseline"] == "c2e3f5c"


def test_the_wrapper_is_this_checkout_s_even_when_the_child_imports_another(tmp_path):
    import math
    import os
    import sys

    from custseg.bench.measure import run_stage

    other = tmp_path / "src" / "custseg" / "bench"
    other.mkdir(parents=True)
    for folder in (other.parent, other):
        (folder / "__init__.py").write_text("")
    (other / "measure.py").write_text("raise SystemExit('the other checkout measured this')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "src"))
    which = [sys.executable, "-c", "import custseg.bench.measure"]
    result = run_stage("child", which, env=env)
    assert not result.ok and "the other checkout measured this" in result.detail  # the child sees the other one
    result = run_stage("child", [sys.executable, "-c", "pass"], env=env)
    assert result.ok and result.peak_mb > 0 and not math.isnan(result.cpu_s)
