"""The project parses without a warning: no deprecated syntax (a generic test's arguments outside `arguments:`, a
renamed config) that a user would see on every build and that a newer dbt would refuse."""

from __future__ import annotations

import re

from custseg.dbt_runner import run_dbt


def test_a_full_parse_of_the_project_shows_no_warning(repo_root, tmp_path):
    proc = run_dbt("parse", dataset="sample", raw_data_dir=repo_root / "data" / "sample",
                   db_path=tmp_path / "parse.duckdb", target_path=tmp_path / "target",
                   args=["--no-partial-parse", "--show-all-deprecations", "--no-use-colors"])

    warnings = [line for line in proc.stdout.splitlines() if re.search(r"\[WARNING\]|Deprecat", line)]
    assert warnings == [], proc.stdout[-5000:]
