"""The route BI tools such as Superset take: SQLAlchemy with duckdb-engine, on the serving copy, read-only."""

from __future__ import annotations

import duckdb
import pytest
import sqlalchemy as sa

from custseg.serving import public_tables

pytestmark = pytest.mark.slow


@pytest.fixture
def engine(published_sample):
    engine = sa.create_engine(f"duckdb:///{published_sample.serving_db}", connect_args={"read_only": True})
    yield engine
    engine.dispose()


def test_every_public_table_is_listed_and_counted_through_sqlalchemy(published_sample, engine):
    tables = public_tables(published_sample.target_path / "manifest.json")
    public = sorted(t.name for t in tables)
    inspector = sa.inspect(engine)
    # every public model is a table in the serving copy (order_lines, a view in the build, too)
    assert inspector.get_view_names() == []
    assert sorted(inspector.get_table_names()) == public
    # expected values from the built database dbt wrote (the serving copy is held by the engine's pool)
    with duckdb.connect(str(published_sample.db), read_only=True) as direct:
        expected = {name: direct.execute(f'select count(*) from "{name}"').fetchone()[0] for name in public}
        columns = {name: [c[0] for c in direct.execute(f'select * from "{name}" limit 0').description]
                   for name in public}
    with engine.connect() as conn:
        for name in public:
            assert [c["name"] for c in inspector.get_columns(name)] == columns[name], name
            assert conn.execute(sa.text(f'select count(*) from "{name}"')).scalar_one() == expected[name], name


def test_a_chart_query_built_with_sqlalchemy_core(published_sample, engine):
    with engine.connect() as conn:
        rfm = sa.Table("customer_rfm", sa.MetaData(), autoload_with=conn)
        query = (sa.select(rfm.c.rfm_segment, sa.func.count().label("customers"),
                           sa.func.sum(rfm.c.monetary).label("revenue"))
                 .group_by(rfm.c.rfm_segment).order_by(sa.desc("customers")))
        rows = conn.execute(query).all()
    with duckdb.connect(str(published_sample.db), read_only=True) as direct:
        expected = dict(direct.execute("select rfm_segment, count(*) from customer_rfm group by 1").fetchall())
    assert {row.rfm_segment: row.customers for row in rows} == expected
    assert [row.customers for row in rows] == sorted(expected.values(), reverse=True)


def test_the_serving_copy_refuses_writes(engine):
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        conn.execute(sa.text("create table scratch as select 1 as x"))


def test_the_readmes_absolute_url_works_from_any_folder_with_descriptions(published_sample, repo_root, tmp_path,
                                                                          monkeypatch):
    """What a Superset user types: the README's URL form (four slashes: an absolute path, read-only in the URL),
    from a folder that is not the project's; table and column comments arrive as the descriptions."""
    import re

    documented = re.findall(r"duckdb:////\S*?serving/sample\.duckdb\?access_mode=read_only", (
        repo_root / "README.md").read_text())
    assert documented, "README documents no absolute SQLAlchemy URL of the serving copy"
    url = documented[0].replace(documented[0].split("duckdb:///")[1].split("?")[0], str(published_sample.serving_db))
    assert url.startswith("duckdb:////") and url.endswith("?access_mode=read_only")
    monkeypatch.chdir(tmp_path)
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        assert "segment_profiles" in inspector.get_table_names()
        assert "response rate" in inspector.get_table_comment("segment_profiles")["text"]
        comments = {c["name"]: c.get("comment") for c in inspector.get_columns("segment_profiles")}
        assert comments["response_rate"] and "target campaign" in comments["response_rate"]
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only"):
            conn.execute(sa.text("create table scratch as select 1 as x"))
    finally:
        engine.dispose()
