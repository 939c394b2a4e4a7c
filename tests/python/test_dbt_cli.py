"""custseg.dbt_cli: dbt's command line with the fork server started early and a fast exit; nothing else changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from custseg import workers
from custseg.dbt_cli import exit_code

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("code", "expected"), [(None, 0), (0, 0), (2, 2), ("no project here", 1)])
def test_exit_code(code, expected, capsys):
    assert exit_code(code) == expected
    if isinstance(code, str):
        assert code in capsys.readouterr().err


def _run(args: list[str], *, workers_env: str = "1", timeout: int = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, **{workers.ENV_VAR: workers_env}, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    # capture_output: a worker process left behind would keep the pipes open and the call would time out.
    return subprocess.run([sys.executable, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_dbt_exit_code_and_output_are_dbts():
    ours = _run(["-m", "custseg.dbt_cli", "build", "--project-dir", "no/such/project"])
    dbt = _run([str(Path(sys.executable).with_name("dbt")), "build", "--project-dir", "no/such/project"])
    assert ours.returncode == dbt.returncode != 0
    assert "no/such/project" in ours.stdout + ours.stderr
    version = _run(["-m", "custseg.dbt_cli", "--version"])
    assert version.returncode == 0 and "dbt" in version.stdout.lower()


def test_exit_now_stops_the_workers_first():
    # A finished task leaves an idle replacement worker: without shutdown() it would wait for tasks forever,
    # keeping the fork server and this pipe open; the pool's semaphores would be reported as leaked.
    script = ("import os; from custseg import workers, dbt_cli; workers.start_early(); "
              "assert workers.run_in_worker(os.getpid) != os.getpid(); print('ran', flush=True); "
              "dbt_cli.exit_now(3)")
    done = _run(["-c", script])
    assert done.returncode == 3
    assert done.stdout.strip() == "ran"
    assert "leaked" not in done.stderr


def test_start_early_without_workers_starts_nothing(monkeypatch):
    workers.shutdown()  # a pool left by an earlier test
    monkeypatch.delenv(workers.ENV_VAR, raising=False)
    workers.start_early()
    assert workers._POOL is None


def test_shutdown_then_a_new_task_starts_new_workers(monkeypatch):
    monkeypatch.setenv(workers.ENV_VAR, "1")
    first = workers.run_in_worker(os.getpid)
    workers.shutdown()
    assert workers._POOL is None
    second = workers.run_in_worker(os.getpid)
    assert first != second != os.getpid()
    workers.shutdown()
