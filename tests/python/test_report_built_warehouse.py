"""The report that `make build` writes for the sample data set: every section whose tables have rows draws all
its charts (or says why one is not drawn); every other section says it is not available for this data set.
Driven by the report's own table of sections, so new tables are covered as they land."""

from __future__ import annotations

import duckdb
import pytest

from custseg.report import AVAILABLE, SECTIONS, UNAVAILABLE
from custseg.report.inspect import read_report

pytestmark = pytest.mark.slow


def _expected_status(con: duckdb.DuckDBPyConnection, tables: dict) -> str:
    built = {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
    for table in tables:
        if table not in built or con.execute(f'select count(*) from "{table}"').fetchall()[0][0] == 0:
            return UNAVAILABLE
    return AVAILABLE


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_section_shows_its_charts_exactly_when_its_tables_have_rows(published_sample, section):
    view = read_report(published_sample.report)[section.key]
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        expected = _expected_status(con, section.requires)

    assert view.status == expected, view.text
    if expected == AVAILABLE:
        assert set(view.charts) | set(view.skipped) == set(section.charts)
        for key, spec in view.charts.items():
            assert sum(len(v) for v in spec.get("datasets", {}).values()) > 0, key
    else:
        assert "Not available for this data set" in view.text
        assert view.charts == {}


def test_the_sample_report_shows_what_a_marketer_acts_on(published_sample):
    sections = read_report(published_sample.report)
    assert [key for key, view in sections.items() if view.status != AVAILABLE] == []  # the sample feeds every table
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        customers, segments = con.execute("select sum(customers), count(*) from segment_profiles").fetchall()[0]
        targets = con.execute("select customer_id from campaign_targets order by rank").fetchall()
    assert sections["headline"].tiles["Customers"] == f"Customers {int(customers):,}"
    assert len(sections["segments"].cards) == segments
    assert [row[1] for row in sections["targets"].target_data["rows"]] == [t for (t,) in targets]
    assert published_sample.report.stat().st_size < 5_000_000  # one file a mail or a browser opens easily
