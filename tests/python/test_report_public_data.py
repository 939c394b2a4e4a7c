"""The report of each public data set (the session's full builds): every section renders or says in words why
this data set cannot feed it; none fails. Online Retail has no campaign responses and no population panel."""

from __future__ import annotations

import duckdb
import pytest

from custseg.report import AVAILABLE, SECTIONS, UNAVAILABLE, build_report
from custseg.report.inspect import read_report

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def _has_rows(db, table: str) -> bool:
    with duckdb.connect(str(db), read_only=True) as con:
        built = {n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()}
        return table in built and con.execute(f'select count(*) from "{table}"').fetchall()[0][0] > 0


@pytest.mark.parametrize("dataset", ["online_retail", "customer_personality", "coil2000"])
def test_every_section_renders_or_says_why_not(full_build, dataset, tmp_path):
    db = full_build(dataset)
    result = build_report(db, dataset, tmp_path / f"{dataset}.html")
    sections = read_report(result.path)

    assert [f"{s.section.key}: {s.message}" for s in result.errors] == []
    for section in SECTIONS:
        view = sections[section.key]
        expected = AVAILABLE if all(_has_rows(db, t) for t in section.requires) else UNAVAILABLE
        assert view.status == expected, (section.key, view.text)
        if expected == UNAVAILABLE:
            assert "Not available for this data set: this data set has no" in view.text, view.text
        else:
            assert set(view.charts) | set(view.skipped) == set(section.charts), section.key
    assert sections["headline"].status == AVAILABLE and sections["segments"].status == AVAILABLE


def test_online_retail_says_it_has_no_responses_and_shows_pounds(full_build, tmp_path):
    sections = read_report(build_report(full_build("online_retail"), "online_retail", tmp_path / "r.html").path)
    for key in ("targets", "gains", "model"):
        assert "no campaign responses" in sections[key].text, key
    assert "no general-population panel" in sections["population"].text
    assert sections["headline"].tiles["Net revenue"].startswith("Net revenue £")
    assert "no campaign responses" in sections["headline"].tiles["Expected responders of the next mailing"]
