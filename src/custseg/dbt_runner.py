"""Run the dbt project from Python (tests, benchmarks, the CLI) the way the Makefile does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def dbt_env(db_path: Path | str, target_path: Path | str | None = None) -> dict[str, str]:
    """Environment for a dbt run writing to ``db_path`` (absolute), with its own target folder."""
    env = dict(os.environ)
    env["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
    env["CUSTSEG_DB_PATH"] = str(Path(db_path).resolve())
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if target_path is not None:
        env["DBT_TARGET_PATH"] = str(Path(target_path).resolve())
        env["DBT_LOG_PATH"] = str(Path(target_path).resolve() / "logs")
    return env


def run_dbt(command: str, *, dataset: str, raw_data_dir: Path | str, db_path: Path | str,
            target_path: Path | str | None = None, extra_vars: dict | None = None,
            args: list[str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``dbt <command>`` for one data set; raise with dbt's output when it fails and ``check``."""
    dbt = Path(sys.executable).with_name("dbt")
    variables = {"dataset": dataset, "raw_data_dir": str(Path(raw_data_dir).resolve()), **(extra_vars or {})}
    cmd = [str(dbt), command, "--vars", json.dumps(variables), *(args or [])]
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=dbt_env(db_path, target_path),
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"dbt {command} failed for data set {dataset!r} (exit {proc.returncode}):\n"
                           f"{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")
    return proc
