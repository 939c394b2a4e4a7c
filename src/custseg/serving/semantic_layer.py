"""Ask MetricFlow (``mf query`` from dbt-metricflow) for metrics of a published serving copy.

``mf`` reads the serving copy through the profile's ``serving`` target (``CUSTSEG_TARGET=serving``: the file
read-only), never the build database, so it answers while a build runs. It reads the semantic manifest from
``<project>/target/semantic_manifest.json`` and has no option for another target folder. A build with its own
``DBT_TARGET_PATH`` (tests, CI, several data sets side by side) is therefore queried from a small run folder: a
copy of the project's ``dbt_project.yml`` and links to its folders, with ``target`` linked to that build's target
folder. In the project folder itself, after ``make build``, ``CUSTSEG_TARGET=serving mf query ...`` works as usual.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from custseg.dbt_runner import PROJECT_DIR

PROJECT_ENTRIES = ("dbt_project.yml", "models", "macros", "seeds", "python_models", "analyses", "tests")


class MetricFlowError(RuntimeError):
    pass


def _run_folder(target_path: Path, into: Path) -> Path:
    for entry in PROJECT_ENTRIES:
        source = PROJECT_DIR / entry
        if source.exists():
            (into / entry).symlink_to(source, target_is_directory=source.is_dir())
    (into / "target").symlink_to(target_path, target_is_directory=True)
    return into


def mf_query(metrics: list[str], group_by: list[str], *, serving_db: Path | str, target_path: Path | str,
             order_by: list[str] | None = None, timeout: float = 600) -> pd.DataFrame:
    """Run ``mf query`` on the serving copy ``serving_db`` of a build made with ``target_path``; its rows."""
    target_path = Path(target_path).resolve()
    if not (target_path / "semantic_manifest.json").is_file():
        raise FileNotFoundError(f"no semantic_manifest.json in {target_path}: run `dbt build` (or `dbt parse`) first")
    if not Path(serving_db).is_file():
        raise FileNotFoundError(f"serving copy not found: {serving_db} (a successful `dbt build` publishes it)")
    mf = Path(sys.executable).with_name("mf")
    with tempfile.TemporaryDirectory(prefix="custseg-mf-") as tmp:
        run_dir = _run_folder(target_path, Path(tmp))
        out_csv = Path(tmp) / "result.csv"
        cmd = [str(mf), "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
               "--csv", str(out_csv), "--quiet"]
        if order_by:
            cmd += ["--order", ",".join(order_by)]
        env = dict(os.environ, DBT_PROFILES_DIR=str(PROJECT_DIR), DBT_PROJECT_DIR=str(run_dir),
                   CUSTSEG_TARGET="serving", CUSTSEG_SERVING_DB_PATH=str(Path(serving_db).resolve()),
                   DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                   DBT_LOG_PATH=str(Path(tmp) / "logs"), MF_LOG_PATH=str(Path(tmp) / "logs"))
        proc = subprocess.run(cmd, cwd=run_dir, env=env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not out_csv.is_file():
            raise MetricFlowError(f"`{' '.join(cmd[1:])}` failed (exit {proc.returncode}):\n"
                                  f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        text = out_csv.read_text()
    return pd.read_csv(io.StringIO(text))
