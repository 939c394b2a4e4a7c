"""Publishing the serving copy, on a small hand-made warehouse and manifest: what is copied, and atomicity
while another process reads the serving copy."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap

import duckdb
import pytest

from custseg.serving import public_tables, publish

# fqn folders as dbt writes them: [project, folder..., model]
NODES = {
    "stg_shop__orders": (["staging", "shop"], "view"),
    "int_orders": (["intermediate"], "table"),
    "customer_rfm": (["marts", "features"], "table"),
    "rejected_rows": (["marts", "core"], "table"),
    "customer_segments": (["segmentation"], "table"),  # a Python model under python_models/segmentation/
    "time_spine_daily": (["semantic"], "table"),
}


def _manifest(path, nodes=NODES):
    manifest = {"metadata": {"project_name": "custseg"}, "nodes": {}}
    for name, (folders, materialized) in nodes.items():
        manifest["nodes"][f"model.custseg.{name}"] = {
            "resource_type": "model", "package_name": "custseg", "name": name, "alias": name, "schema": "main",
            "fqn": ["custseg", *folders, name], "config": {"materialized": materialized},
            "description": f"The {name} table, it's described.",
            "columns": {"customer_id": {"description": "Customer identifier."}},
        }
    manifest["nodes"]["seed.custseg.country_codes"] = {
        "resource_type": "seed", "package_name": "custseg", "name": "country_codes", "schema": "main",
        "fqn": ["custseg", "country_codes"], "config": {"materialized": "seed"}, "columns": {}}
    path.write_text(json.dumps(manifest))
    return path


def _build(path, customers: int):
    con = duckdb.connect(str(path))
    con.execute(f"create or replace table customer_rfm as select 'C' || i as customer_id, i * 1.5 as monetary "
                f"from range({customers}) as t(i)")
    con.execute("create or replace table rejected_rows as select 'order_lines' as entity, 'x' as reject_reason "
                "from range(3)")
    con.execute("create or replace table customer_segments as select customer_id, 1 as segment_id from customer_rfm")
    con.execute("create or replace table int_orders as select 1 as order_id")
    con.execute("create or replace view stg_shop__orders as select 1 as order_id")
    con.execute("create or replace table time_spine_daily as select date '2026-01-01' as date_day")
    con.execute("create or replace table country_codes as select 'FR' as code")
    con.close()
    return path


@pytest.fixture
def built(tmp_path):
    return {"db": _build(tmp_path / "wh.duckdb", 10), "manifest": _manifest(tmp_path / "manifest.json"),
            "serving": tmp_path / "serving"}


def test_public_tables_are_the_marts_and_python_models_only(built):
    names = [t.name for t in public_tables(built["manifest"])]
    assert names == ["customer_rfm", "customer_segments", "rejected_rows"]


def test_publish_copies_every_public_table_with_its_docs_and_parquet(built):
    result = publish(built["db"], built["manifest"], built["serving"], "shop")

    assert result.duckdb_path == built["serving"] / "shop.duckdb"
    assert result.row_counts == {"customer_rfm": 10, "customer_segments": 10, "rejected_rows": 3}
    con = duckdb.connect(str(result.duckdb_path), read_only=True)
    tables = dict(con.execute("select table_name, comment from duckdb_tables() order by 1").fetchall())
    assert tables == {name: f"The {name} table, it's described." for name in result.row_counts}
    column_comment = con.execute("select comment from duckdb_columns() where table_name = 'customer_rfm' "
                                 "and column_name = 'customer_id'").fetchone()[0]
    assert column_comment == "Customer identifier."
    assert con.execute("select sum(monetary) from customer_rfm").fetchone()[0] == pytest.approx(67.5)
    con.close()
    assert not stat.S_IMODE(os.stat(result.duckdb_path).st_mode) & 0o222  # read-only file
    for name, rows in result.row_counts.items():
        parquet = result.parquet_dir / f"{name}.parquet"
        assert duckdb.sql(f"select count(*) from '{parquet}'").fetchall()[0][0] == rows
    assert sorted(p.name for p in result.parquet_dir.iterdir()) == [f"{n}.parquet" for n in sorted(result.row_counts)]
    leftovers = [p.name for p in built["serving"].iterdir() if ".tmp-" in p.name or ".link-" in p.name]
    assert leftovers == []


def test_a_public_view_is_served_as_a_view_over_its_parquet_export(built, tmp_path):
    con = duckdb.connect(str(built["db"]))
    con.execute("create view order_lines as select customer_id, monetary * 2 as line_amount from customer_rfm")
    con.close()
    manifest = _manifest(tmp_path / "with_view.json", {**NODES, "order_lines": (["marts", "core"], "view")})

    first = publish(built["db"], manifest, built["serving"], "shop")

    assert first.row_counts["order_lines"] == 10
    assert (first.parquet_dir / "order_lines.parquet").is_file()
    con = duckdb.connect(str(first.duckdb_path), read_only=True)
    assert dict(con.execute("select view_name, comment from duckdb_views() where not internal").fetchall()) == {
        "order_lines": "The order_lines table, it's described."}
    assert "order_lines" not in {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert con.execute("select sum(line_amount) from order_lines").fetchone()[0] == pytest.approx(135)
    assert con.execute("select comment from duckdb_columns() where table_name = 'order_lines' "
                       "and column_name = 'customer_id'").fetchone()[0] == "Customer identifier."
    con.close()

    # Published again with more rows: the new copy reads the new export, the previous copy still its own.
    _build(built["db"], 25)
    second = publish(built["db"], manifest, built["serving"], "shop")
    assert second.row_counts["order_lines"] == 25
    for path, rows in ((second.duckdb_path, 25), (built["serving"] / "shop.previous.duckdb", 10)):
        con = duckdb.connect(str(path), read_only=True)
        assert con.execute("select count(*) from order_lines").fetchone()[0] == rows, path
        con.close()


READER = textwrap.dedent("""
    import sys, duckdb
    path = sys.argv[1]
    con = duckdb.connect(path, read_only=True)
    def count(c):
        return c.execute("select count(*) from customer_rfm").fetchone()[0]
    print(count(con), flush=True)
    sys.stdin.readline()                      # the test rebuilds and publishes meanwhile
    print(count(con), flush=True)             # same connection: still the old copy
    con.close()
    print(count(duckdb.connect(path, read_only=True)), flush=True)  # reconnected: the new copy
""")


def test_a_reader_holding_the_serving_copy_blocks_nothing_and_sees_old_then_new(built):
    first = publish(built["db"], built["manifest"], built["serving"], "shop")
    old_parquet = first.parquet_dir.resolve()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(first.duckdb_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "10"
        _build(built["db"], 25)  # the build writes its own database while the reader holds the serving copy
        second = publish(built["db"], built["manifest"], built["serving"], "shop")
        reader.stdin.write("go\n")
        reader.stdin.flush()
        out, _ = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert out.split() == ["10", "25"]
    assert reader.returncode == 0
    assert second.row_counts["customer_rfm"] == 25
    previous = duckdb.connect(str(built["serving"] / "shop.previous.duckdb"), read_only=True)
    assert previous.execute("select count(*) from customer_rfm").fetchone()[0] == 10  # kept to compare builds
    previous.close()
    assert second.parquet_dir.resolve() != old_parquet and old_parquet.is_dir()  # previous export kept
    assert duckdb.sql(f"select count(*) from '{second.parquet_dir}/customer_rfm.parquet'").fetchall()[0][0] == 25


def test_only_the_previous_parquet_export_is_kept(built):
    exports = [publish(built["db"], built["manifest"], built["serving"], "shop").parquet_dir.resolve()
               for _ in range(3)]
    on_disk = sorted(p.resolve() for p in built["serving"].glob(".shop.parquet-*"))
    assert on_disk == sorted(exports[1:])


def test_a_failed_publish_leaves_the_last_good_copy(built, tmp_path):
    good = publish(built["db"], built["manifest"], built["serving"], "shop")
    before = good.duckdb_path.read_bytes()
    broken = _manifest(tmp_path / "broken.json", {**NODES, "response_scores": (["marts"], "table")})

    with pytest.raises(RuntimeError, match=r"response_scores"):
        publish(built["db"], broken, built["serving"], "shop")

    assert good.duckdb_path.read_bytes() == before
    assert sorted(p.name for p in built["serving"].iterdir() if not p.name.startswith(".shop.parquet-")) == [
        "shop", "shop.duckdb"]
    assert len(list(built["serving"].glob(".shop.parquet-*"))) == 1


def test_missing_manifest_and_database_are_named(built, tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.json"):
        publish(built["db"], tmp_path / "nothing.json", built["serving"], "shop")
    with pytest.raises(FileNotFoundError, match="nowhere.duckdb"):
        publish(tmp_path / "nowhere.duckdb", built["manifest"], built["serving"], "shop")


def test_the_command_says_why_it_published_nothing(built, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "custseg.serving", "--db", str(built["db"]),
                           "--manifest", str(tmp_path / "nothing.json"), "--serving-dir", str(built["serving"]),
                           "--dataset", "shop"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: dbt manifest not found") and "nothing.json" in proc.stderr
    assert not (built["serving"] / "shop.duckdb").exists()


def test_a_side_task_reads_the_complete_copy_before_it_is_swapped_in(built):
    seen = {}

    def side(serving_copy):
        assert not (built["serving"] / "shop.duckdb").exists()  # not swapped in yet
        con = duckdb.connect(str(serving_copy), read_only=True)
        seen.update(con.execute("select table_name, estimated_size from duckdb_tables()").fetchall())
        con.close()
        return "read"

    result = publish(built["db"], built["manifest"], built["serving"], "shop", while_exporting=side)
    assert result.side_result == "read"
    assert sorted(seen) == ["customer_rfm", "customer_segments", "rejected_rows"]
    assert (result.parquet_dir / "customer_rfm.parquet").is_file()


def test_a_failed_side_task_swaps_nothing_in(built):
    good = publish(built["db"], built["manifest"], built["serving"], "shop")
    _build(built["db"], 20)

    def side(serving_copy):
        raise RuntimeError("report broke")

    with pytest.raises(RuntimeError, match="report broke"):
        publish(built["db"], built["manifest"], built["serving"], "shop", while_exporting=side)
    con = duckdb.connect(str(good.duckdb_path), read_only=True)
    assert con.execute("select count(*) from customer_rfm").fetchone()[0] == 10  # the old copy stays
    con.close()
    assert sorted(p.name for p in built["serving"].iterdir() if p.name.startswith(".shop.duckdb")) == []


def test_the_command_writes_the_report_of_the_new_copy_only_when_it_is_swapped_in(built, tmp_path):
    report = tmp_path / "reports" / "shop.html"
    command = [sys.executable, "-m", "custseg.serving", "--db", str(built["db"]), "--serving-dir",
               str(built["serving"]), "--dataset", "shop", "--report", str(report)]
    failed = subprocess.run([*command, "--manifest", str(tmp_path / "nothing.json")], capture_output=True, text=True)
    assert failed.returncode == 2 and "nothing.json" in failed.stderr
    assert not report.parent.exists() or not list(report.parent.iterdir())
    proc = subprocess.run([*command, "--manifest", str(built["manifest"])], capture_output=True, text=True)
    # Published; the report is written, and its one broken section (this toy customer_rfm lacks the RFM
    # scores) fails the command, as `python -m custseg.report` does.
    assert proc.returncode == 1 and "report section 'rfm' failed" in proc.stderr
    assert (built["serving"] / "shop.duckdb").is_file()
    published, rendered = (json.loads(line) for line in proc.stdout.splitlines())
    assert published["tables"] == 3 and rendered["report"] == str(report)
    assert report.is_file() and "shop.duckdb" in report.read_text()
    assert [p.name for p in report.parent.iterdir()] == ["shop.html"]  # no pending file left
