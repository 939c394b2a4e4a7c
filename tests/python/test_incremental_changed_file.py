"""The incremental order lines refuse to mix a rewritten raw file with what was loaded from it."""

from __future__ import annotations

import pytest

from custseg.dbt_runner import run_dbt
from custseg.generate import WorldSpec, generate_world

pytestmark = pytest.mark.slow

SELECT = ["--select", "+int_order_lines__classified", "assert_loaded_order_files_unchanged",
          "--indirect-selection", "cautious"]


def _build(raw, root, check=True, args=()):
    return run_dbt("build", dataset="sample", raw_data_dir=raw, db_path=root / "wh.duckdb",
                   target_path=root / "target", args=[*SELECT, *args], check=check)


def test_rewritten_file_fails_until_full_refresh(tmp_path):
    raw = tmp_path / "raw"
    generate_world(WorldSpec(customers=300, seed=1), raw, progress=False)
    _build(raw, tmp_path)
    assert _build(raw, tmp_path).returncode == 0  # no change: still consistent

    # Another, larger world under the same file names: appending its extra rows would mix two worlds.
    generate_world(WorldSpec(customers=900, seed=2), raw, progress=False)
    changed = _build(raw, tmp_path, check=False)
    assert changed.returncode != 0
    assert "assert_loaded_order_files_unchanged" in changed.stdout

    assert _build(raw, tmp_path, args=["--full-refresh"]).returncode == 0
