"""The sample report in a real browser: headless Chromium (Debian's ``chromium``, driven by Playwright) opens the
file that `make build` wrote, with no console error; every section and chart is drawn; the charts answer hover
and their controls; the target list sorts, filters and downloads a CSV equal to ``campaign_targets`` of the
serving copy. Screenshots of every section are saved (under pytest's tmp folder, or CUSTSEG_SCREENSHOT_DIR).

Needs Chromium: ``sudo apt-get install -y chromium`` (CI installs it the same way). Without it this test fails
and says so; it is never skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from custseg.report import SECTIONS
from custseg.report.inspect import read_report

pytestmark = pytest.mark.slow
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser_page(published_sample):
    from custseg.report.screenshots import chromium_path, open_report

    try:
        chromium_path()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    with open_report(published_sample.report, downloads=True) as (page, errors):
        page.add_style_tag(content="nav { position: static; }")
        yield page, errors


@pytest.fixture(scope="module")
def serving_tables(published_sample):
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        return {
            "targets": con.execute("select * from campaign_targets order by rank").df(),
            "segments": con.execute("select customer_id, segment_id, segment_name from customer_segments").df(),
        }


def _visible_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all("#target-table tbody tr",
                                     "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def test_every_section_and_chart_is_drawn_without_console_errors(browser_page, published_sample, tmp_path_factory):
    page, errors = browser_page
    expected = read_report(published_sample.report)
    shots = Path(os.environ.get("CUSTSEG_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    for section in SECTIONS:
        locator = page.locator(f"section#{section.key}")
        assert locator.count() == 1, section.key
        assert locator.get_attribute("data-status") == expected[section.key].status
        for key in expected[section.key].charts:
            chart = locator.locator(f'div.chart[data-chart="{key}"]')
            assert chart.get_attribute("data-rendered") == "true", key
            marks = chart.locator("svg g[class*='mark-'] path, svg g[class*='mark-'] line")
            assert marks.count() > 0, f"chart {key} has no marks"
        path = shots / f"report_{section.key}.png"
        locator.screenshot(path=str(path))
        assert path.read_bytes().startswith(PNG_SIGNATURE) and path.stat().st_size > 5_000
    assert errors == []


def test_a_chart_shows_a_tooltip_on_hover_and_follows_its_drop_down(browser_page):
    page, errors = browser_page
    chart = page.locator('div.chart[data-chart="segment_overview"]')
    chart.scroll_into_view_if_needed()
    before = chart.locator("svg").inner_html()
    bar = chart.locator("svg g.mark-rect path").first
    bar.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "segment" in tooltip.inner_text() and "%" in tooltip.inner_text()
    chart.locator("select").select_option("share of revenue")
    page.wait_for_function("(before) => document.querySelector('div.chart[data-chart=segment_overview] svg')"
                           ".innerHTML !== before", arg=before)
    assert errors == []


def test_the_target_list_sorts_filters_and_downloads_campaign_targets(browser_page, serving_tables, tmp_path):
    page, errors = browser_page
    targets = serving_tables["targets"].merge(serving_tables["segments"], on="customer_id", how="left")
    targets["segment"] = [f"Segment {i} · {n}" for i, n in zip(targets["segment_id"], targets["segment_name"])]
    page.locator("#target-table").scroll_into_view_if_needed()
    assert page.locator("#target-count").inner_text().startswith(f"{len(targets):,} of {len(targets):,} customers")

    # sort: a click on Probability puts the highest first, a second click the lowest
    header = page.locator("#target-table th", has_text="Probability")
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert _visible_rows(page)[0][1] == targets.iloc[0]["customer_id"]
    header.click()
    lowest = targets.sort_values(["response_probability", "rank"], ascending=[True, True]).iloc[0]
    assert _visible_rows(page)[0][1] == lowest["customer_id"]
    page.locator("#target-table th", has_text="Rank").click()
    assert [int(r[0].replace(",", "")) for r in _visible_rows(page)[:5]] == [1, 2, 3, 4, 5]

    # search: one customer id
    wanted = targets.iloc[len(targets) // 2]["customer_id"]
    page.locator("#target-search").fill(wanted)
    assert [r[1] for r in _visible_rows(page)] == [wanted]
    page.locator("#target-search").fill("")

    # filter by segment: only that segment's targets, and the CSV holds just those
    segment = targets["segment"].value_counts().index[-1]
    page.locator("#target-segment").select_option(segment)
    rows = _visible_rows(page)
    assert len(rows) == min(100, int((targets["segment"] == segment).sum()))
    assert {r[4] for r in rows} == {segment}
    with page.expect_download() as download:
        page.locator("#target-download").click()
    filtered = pd.read_csv(download.value.path())
    assert len(filtered) == int((targets["segment"] == segment).sum())
    page.locator("#target-segment").select_option("")

    # the whole list, downloaded, is campaign_targets of the serving copy
    with page.expect_download() as download:
        page.locator("#target-download").click()
    assert download.value.suggested_filename == "campaign_targets.csv"
    csv = pd.read_csv(download.value.path(), dtype={"customer_id": str})
    assert list(csv.columns) == ["rank", "customer_id", "response_probability", "response_decile", "segment"]
    assert csv["rank"].tolist() == targets["rank"].tolist()
    assert csv["customer_id"].tolist() == targets["customer_id"].tolist()
    assert csv["response_decile"].tolist() == targets["response_decile"].tolist()
    assert (csv["response_probability"] - targets["response_probability"]).abs().max() < 1e-12
    assert csv["segment"].tolist() == targets["segment"].tolist()
    assert errors == []


def test_the_readme_pictures_are_taken_from_the_report(browser_page, published_sample, tmp_path):
    import struct

    from custseg.report.screenshots import README_IMAGES, VIEWPORT, take_readme_images

    page, errors = browser_page
    written = take_readme_images(page, published_sample.report, tmp_path)  # what `make report-images` does
    assert [p.name for p in written] == list(README_IMAGES)
    for path in written:
        png = path.read_bytes()
        assert png.startswith(PNG_SIGNATURE) and len(png) > 20_000, path.name
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        assert 300 < width <= VIEWPORT["width"] and height > 200, (path.name, width, height)
    assert errors == []
