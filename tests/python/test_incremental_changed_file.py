"""A raw file's identity is its content: a loaded Parquet part changed in place (one middle row's quantity) stops
the next build before any table changes, naming the file and the command that rebuilds it; a new part stays
incremental; that command rebuilds from the files as they are; another data set never builds into this warehouse."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from custseg.dbt_runner import run_dbt
from custseg.generate import WorldSpec, generate_world
from custseg.generate.corpus_trust import change_middle_quantity_parquet
from warehouse_tables import table_contents

pytestmark = pytest.mark.slow

SELECT = ["--select", "+int_order_lines__classified", "--indirect-selection", "cautious"]


def _build(raw, root, check=True, args=(), dataset="sample"):
    return run_dbt("build", dataset=dataset, raw_data_dir=raw, db_path=root / "wh.duckdb",
                   target_path=root / "target", args=[*SELECT, *args], check=check)


def _quantity(db, source_file, source_row):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select quantity from int_order_lines__classified where source_file = ? and source_row = ?",
                           [source_file, source_row]).fetchone()[0]


def test_changed_parquet_part_stops_before_any_table_changes(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "wh.duckdb"
    generate_world(WorldSpec(customers=300, seed=1), raw, progress=False)
    _build(raw, tmp_path)
    part = raw / "order_lines" / "part-00000.parquet"
    original = part.read_bytes()
    before = table_contents(db)
    assert before["int_order_lines__classified"][0] > 0

    row = change_middle_quantity_parquet(part)
    changed = _build(raw, tmp_path, check=False)
    assert changed.returncode != 0
    assert ("raw file 'order_lines/part-00000.parquet' changed since it was loaded (its first "
            f"{len(original)} bytes differ)") in changed.stdout
    assert f"make build DATASET=sample RAW_DATA_DIR={raw} DBT_ARGS=--full-refresh" in changed.stdout
    assert table_contents(db) == before

    # The part as it was, and a new part (a copy: every line flagged a duplicate of a loaded one): incremental.
    part.write_bytes(original)
    shutil.copy(part, part.with_name("part-00001.parquet"))
    _build(raw, tmp_path)
    after = table_contents(db)
    with duckdb.connect(str(db), read_only=True) as con:
        by_file = dict(con.execute("select source_file, count(*) filter (where is_exact_duplicate) "
                                   "from int_order_lines__classified group by source_file").fetchall())
        loaded = dict(con.execute("select source_file, rows_loaded from int_order_lines__loaded_files").fetchall())
    assert after["int_order_lines__classified"][0] == 2 * before["int_order_lines__classified"][0]
    assert by_file["order_lines/part-00001.parquet"] == before["int_order_lines__classified"][0]
    assert loaded == {"order_lines/part-00000.parquet": before["int_order_lines__classified"][0],
                      "order_lines/part-00001.parquet": before["int_order_lines__classified"][0]}

    # The command the message names rebuilds from the files as they are now.
    quantity = _quantity(db, "order_lines/part-00000.parquet", row)
    change_middle_quantity_parquet(part)
    assert _build(raw, tmp_path, check=False).returncode != 0
    _build(raw, tmp_path, args=["--full-refresh"])
    assert _quantity(db, "order_lines/part-00000.parquet", row) == quantity + 1

    # Another data set asked of this warehouse: stopped before anything runs, with what to do.
    other = _build(raw, tmp_path, check=False, dataset="online_retail")
    assert other.returncode != 0
    assert "holds data set 'sample', not 'online_retail'" in other.stdout
    assert "make build DATASET=online_retail writes warehouse/online_retail.duckdb" in other.stdout
