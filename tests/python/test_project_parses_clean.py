"""The project parses without a warning: no deprecated syntax (a generic test's arguments outside `arguments:`, a
renamed config) that a user would see on every build and that a newer dbt would refuse."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DBT = str(Path(sys.executable).with_name("dbt"))


def test_a_full_parse_of_the_project_shows_no_warning(repo_root, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "CUSTSEG_"))}
    env.update(DBT_PROFILES_DIR=".", CUSTSEG_DB_PATH=str(tmp_path / "parse.duckdb"),
               DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"))
    proc = subprocess.run([DBT, "--no-use-colors", "parse", "--no-partial-parse", "--show-all-deprecations"],
                          cwd=repo_root, env=env, capture_output=True, text=True)

    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    warnings = [line for line in proc.stdout.splitlines() if re.search(r"\[WARNING\]|Deprecat", line)]
    assert warnings == [], proc.stdout[-5000:]
