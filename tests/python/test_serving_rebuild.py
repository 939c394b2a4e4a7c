"""The issue's check: a reader holds warehouse/serving/sample.duckdb open while `make build` runs. The build
succeeds, the reader sees the old tables, and the new ones after reconnecting."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

pytestmark = pytest.mark.slow

READER = textwrap.dedent("""
    import sys, duckdb
    path = sys.argv[1]
    con = duckdb.connect(path, read_only=True)
    count = lambda c: c.execute("select count(*) from customer_rfm").fetchone()[0]
    print(count(con), flush=True)
    sys.stdin.readline()                       # make build runs meanwhile
    print(count(con), flush=True)
    con.close()
    print(count(duckdb.connect(path, read_only=True)), flush=True)
""")


def test_reader_holding_the_serving_copy_during_make_build(published_sample, make_build, tmp_path):
    from conftest import copy_of_build

    from custseg.generate import WorldSpec, generate_world

    copy = copy_of_build(published_sample, tmp_path / "rebuild", target=False)
    # Rebuild from scratch (as after `make clean`: the serving folder stays). A different world into the
    # same database would go through the incremental order_lines, which is not what this test is about.
    copy.db.unlink()
    other_world = tmp_path / "world"
    generate_world(WorldSpec(customers=1_200, seed=11), other_world, progress=False)
    serving_db = copy.serving_db

    reader = subprocess.Popen([sys.executable, "-c", READER, str(serving_db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        old = int(reader.stdout.readline())
        rebuilt = make_build(other_world, copy.root)  # fails the test if the build fails
        reader.stdin.write("go\n")
        reader.stdin.flush()
        out, _ = reader.communicate(timeout=120)
    finally:
        if reader.poll() is None:
            reader.kill()

    with duckdb.connect(str(rebuilt.db), read_only=True) as con:
        new = con.execute("select count(*) from customer_rfm").fetchone()[0]
    assert new != old  # a different world: the two builds can be told apart
    assert [int(x) for x in out.split()] == [old, new]
    assert reader.returncode == 0
    with duckdb.connect(str(serving_db.with_name("sample.previous.duckdb")), read_only=True) as con:
        assert con.execute("select count(*) from customer_rfm").fetchone()[0] == old
