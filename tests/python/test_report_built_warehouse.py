"""The report that `make build` writes for the sample data set: every section whose tables have rows draws
all its figures; every other section says it is not available for this data set. Driven by the report's own
table of sections, so new tables are covered as they land."""

from __future__ import annotations

import duckdb
import pytest

from custseg.report import AVAILABLE, SECTIONS, UNAVAILABLE
from custseg.report.inspect import PNG_SIGNATURE, read_report

pytestmark = pytest.mark.slow
MIN_PNG_BYTES = 5_000


def _expected_status(con: duckdb.DuckDBPyConnection, tables: dict) -> str:
    built = {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
    for table in tables:
        if table not in built or con.execute(f'select count(*) from "{table}"').fetchone()[0] == 0:
            return UNAVAILABLE
    return AVAILABLE


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_section_shows_its_figures_exactly_when_its_tables_have_rows(published_sample, section):
    view = read_report(published_sample.report)[section.key]
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        expected = _expected_status(con, section.requires)

    assert view.status == expected, view.text
    if expected == AVAILABLE:
        assert set(view.figures) == set(section.figures)
        for key, png in view.figures.items():
            assert png.startswith(PNG_SIGNATURE) and len(png) > MIN_PNG_BYTES, (key, len(png))
    else:
        assert "Not available for this data set" in view.text
        assert view.figures == {}


def test_the_sample_has_what_every_data_set_has(published_sample):
    # Every data set has order lines or customer rows: the overview, RFM grid and data quality always render.
    sections = read_report(published_sample.report)
    assert [key for key in ("overview", "rfm", "data_quality") if sections[key].status != AVAILABLE] == []
    assert published_sample.report.stat().st_size < 5_000_000  # one file a mail or a browser opens easily
