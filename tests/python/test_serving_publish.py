"""The file half of publishing the serving copy (custseg.serving.publish and the plugin's SQL functions), on a
small hand-made warehouse: what is exported and swapped in, atomicity while another process reads the serving
copy, what a failure leaves. The SQL half (the hook's copy of the public models) is what ``fill`` does here;
the hook itself runs in the dbt builds of test_serving_hook.py."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap

import duckdb
import pytest

from custseg.serving import ServingPaths, public_tables
from custseg.serving import publish as pub
from custseg.serving.dbt_plugin import publish_begin, publish_finish, register

# fqn folders and access as dbt writes them: [project, folder..., model]
NODES = {
    "stg_shop__orders": (["staging", "shop"], "view", "protected"),
    "int_orders": (["intermediate"], "table", "protected"),
    "customer_rfm": (["marts", "features"], "table", "public"),
    "order_lines": (["marts", "core"], "view", "public"),
    "customer_segments": (["segmentation"], "table", "public"),  # a Python model under python_models/
    "ephemeral_helper": (["marts"], "ephemeral", "public"),
    "time_spine_daily": (["semantic"], "table", "protected"),
}


def _manifest(path, nodes=NODES):
    manifest = {"metadata": {"project_name": "custseg"}, "nodes": {}}
    for name, (folders, materialized, access) in nodes.items():
        manifest["nodes"][f"model.custseg.{name}"] = {
            "resource_type": "model", "package_name": "custseg", "name": name, "alias": name, "schema": "main",
            "fqn": ["custseg", *folders, name], "config": {"materialized": materialized, "access": access},
            "access": access, "description": f"The {name} table.",
            "columns": {"customer_id": {"description": "Customer identifier."}}}
    manifest["nodes"]["seed.custseg.country_codes"] = {
        "resource_type": "seed", "package_name": "custseg", "name": "country_codes", "schema": "main",
        "fqn": ["custseg", "country_codes"], "config": {"materialized": "seed"}, "columns": {}}
    path.write_text(json.dumps(manifest))
    return path


def _build(path, customers: int):
    with duckdb.connect(str(path)) as con:
        con.execute(f"create or replace table customer_rfm as select 'C' || i as customer_id, i * 1.5 as monetary "
                    f"from range({customers}) as t(i)")
        con.execute("create or replace table customer_segments as select customer_id, 1 as segment_id "
                    "from customer_rfm")
        con.execute("create or replace view order_lines as select customer_id, monetary * 2 as line_amount "
                    "from customer_rfm")
    return path


def fill(new_db, build_db, tables=("customer_rfm", "customer_segments", "order_lines")):
    """What the hook's SQL does on dbt's connection: the public models into the new file, as tables."""
    with duckdb.connect(str(build_db)) as con:
        con.execute(f"attach '{new_db}' as new_copy")
        for table in tables:
            con.execute(f"create table new_copy.main.{table} as select * from main.{table}")
        con.execute("detach new_copy")


def _publish(build_db, dataset="shop", report=False, **kwargs):
    new_db = pub.begin(build_db, dataset)
    fill(new_db, build_db, **kwargs)
    return pub.finish(new_db, build_db, dataset, report=report)


@pytest.fixture
def build_db(tmp_path):
    (tmp_path / "warehouse").mkdir()
    return _build(tmp_path / "warehouse" / "shop.duckdb", 10)


def test_public_tables_are_the_built_models_with_access_public(tmp_path):
    names = [t.name for t in public_tables(_manifest(tmp_path / "manifest.json"))]
    assert names == ["customer_rfm", "customer_segments", "order_lines"]


def test_paths_are_beside_the_build_database(tmp_path):
    paths = ServingPaths.of(tmp_path / "wh" / "shop.duckdb", "shop")
    assert paths.serving_db == tmp_path / "wh" / "serving" / "shop.duckdb"
    assert paths.parquet_link == tmp_path / "wh" / "serving" / "shop"
    assert paths.report == tmp_path / "wh" / "reports" / "shop.html"


def test_publish_swaps_in_a_read_only_copy_with_every_table_as_parquet(build_db):
    result = _publish(build_db)

    paths = ServingPaths.of(build_db, "shop")
    assert result.duckdb_path == paths.serving_db
    assert result.row_counts == {"customer_rfm": 10, "customer_segments": 10, "order_lines": 10}
    with duckdb.connect(str(result.duckdb_path), read_only=True) as con:
        assert con.execute("select sum(line_amount) from order_lines").fetchone()[0] == pytest.approx(135)
    assert not stat.S_IMODE(os.stat(result.duckdb_path).st_mode) & 0o222  # read-only file
    for name, rows in result.row_counts.items():
        assert duckdb.sql(f"select count(*) from '{result.parquet_dir}/{name}.parquet'").fetchall()[0][0] == rows
    assert sorted(p.name for p in result.parquet_dir.iterdir()) == [f"{n}.parquet" for n in sorted(result.row_counts)]
    leftovers = [p.name for p in paths.serving_dir.iterdir() if ".tmp-" in p.name or ".link-" in p.name]
    assert leftovers == []
    assert result.report is None and not paths.report.exists()


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


def test_a_reader_holding_the_serving_copy_blocks_nothing_and_sees_old_then_new(build_db):
    first = _publish(build_db)
    old_parquet = first.parquet_dir.resolve()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(first.duckdb_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "10"
        _build(build_db, 25)  # the build writes its own database while the reader holds the serving copy
        second = _publish(build_db)
        reader.stdin.write("go\n")
        reader.stdin.flush()
        out, _ = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert out.split() == ["10", "25"]  # the held connection: old rows; reconnected: new rows
    assert reader.returncode == 0
    assert second.row_counts["customer_rfm"] == 25
    with duckdb.connect(str(ServingPaths.of(build_db, "shop").previous_db), read_only=True) as previous:
        assert previous.execute("select count(*) from customer_rfm").fetchone()[0] == 10  # kept to compare builds
    assert second.parquet_dir.resolve() != old_parquet and old_parquet.is_dir()  # previous export kept
    assert duckdb.sql(f"select count(*) from '{second.parquet_dir}/customer_rfm.parquet'").fetchall()[0][0] == 25


def test_only_the_previous_parquet_export_is_kept(build_db):
    exports = [_publish(build_db).parquet_dir.resolve() for _ in range(3)]
    on_disk = sorted(p.resolve() for p in ServingPaths.of(build_db, "shop").serving_dir.glob(".shop.parquet-*"))
    assert on_disk == sorted(exports[1:])


def test_begin_removes_what_an_interrupted_publish_left(build_db):
    good = _publish(build_db)
    abandoned = pub.begin(build_db, "shop")
    fill(abandoned, build_db)  # the hook copied the tables, then the build was killed
    assert abandoned.is_file()

    again = pub.begin(build_db, "shop")

    assert not abandoned.exists() and not again.exists()
    assert good.duckdb_path.is_file()
    pub.abandon(again)  # this process lives on: the second publish is interrupted too, or its progress lines run on
    assert str(again) not in pub._HEARTBEATS and str(abandoned) not in pub._HEARTBEATS


def test_a_failed_finish_leaves_the_last_good_copy_and_report(build_db, monkeypatch):
    good = _publish(build_db)
    before = good.duckdb_path.read_bytes()
    paths = ServingPaths.of(build_db, "shop")
    paths.report.parent.mkdir()
    paths.report.write_text("the last good report")
    _build(build_db, 20)

    def broken_report(*args):
        raise RuntimeError("report broke")

    monkeypatch.setattr(pub, "_render_report", broken_report)
    new_db = pub.begin(build_db, "shop")
    fill(new_db, build_db)
    with pytest.raises(RuntimeError, match="report broke"):
        pub.finish(new_db, build_db, "shop", report=True)

    assert good.duckdb_path.read_bytes() == before
    assert paths.report.read_text() == "the last good report"
    assert [p.name for p in paths.report.parent.iterdir()] == ["shop.html"]
    assert sorted(p.name for p in paths.serving_dir.iterdir() if not p.name.startswith(".shop.parquet-")) == [
        "shop", "shop.duckdb"]
    assert len(list(paths.serving_dir.glob(".shop.parquet-*"))) == 1


def test_the_report_of_the_new_copy_is_written_with_its_failed_sections_listed(build_db):
    result = _publish(build_db, report=True)
    # This toy warehouse lacks most tables: the report is written, its sections say why they are empty.
    assert result.report == ServingPaths.of(build_db, "shop").report and result.report.is_file()
    assert "shop.duckdb" in result.report.read_text()
    assert result.report_errors and all(": " in error for error in result.report_errors)
    assert [p.name for p in result.report.parent.iterdir()] == ["shop.html"]  # no pending file left


def test_the_sql_functions_answer_json_and_never_raise(build_db, tmp_path):
    con = duckdb.connect()
    register(con)
    register(con)  # a connection dbt opens again may share the database instance: no error
    begun = json.loads(con.execute("select custseg_publish_begin(?, 'shop')", [str(build_db)]).fetchone()[0])
    fill(begun["new_db"], build_db)
    done = json.loads(con.execute("select custseg_publish_finish(?, ?, 'shop', '')",
                                  [begun["new_db"], str(build_db)]).fetchone()[0])
    assert done["tables"] == 3 and done["serving_db"] == str(ServingPaths.of(build_db, "shop").serving_db)
    con.close()
    failed = json.loads(publish_finish(str(tmp_path / "nowhere.duckdb"), str(build_db), "shop", ""))
    assert failed["error"].startswith("FileNotFoundError") and "nowhere.duckdb" in failed["error"]
    (tmp_path / "a_file").write_text("")
    assert json.loads(publish_begin(str(tmp_path / "a_file" / "x.duckdb"), "shop"))["error"]


def test_a_publish_records_its_fingerprint_and_only_the_same_one_is_current(build_db):
    paths = ServingPaths.of(build_db, "shop")
    assert pub.is_current(build_db, "shop", "abc") == {"current": False}  # nothing published yet
    new_db = pub.begin(build_db, "shop")
    fill(new_db, build_db)
    result = pub.finish(new_db, build_db, "shop", report=False, fingerprint="abc")
    recorded = json.loads(paths.published.read_text())
    assert recorded["row_counts"] == result.row_counts and recorded["fingerprint"] != "abc"  # with the code's hash
    assert not pub.is_current(build_db, "shop", "abc")["current"]  # no report written: publish again
    paths.report.parent.mkdir(parents=True, exist_ok=True)
    paths.report.write_text("<html></html>")
    assert pub.is_current(build_db, "shop", "abc")["current"]
    assert not pub.is_current(build_db, "shop", "abd")["current"]
    paths.published.write_text("{not json")
    assert not pub.is_current(build_db, "shop", "abc")["current"]
    _publish(build_db)  # a publish without a fingerprint (make publish) removes the record
    assert not paths.published.exists()
