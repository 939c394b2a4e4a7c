"""Open a written report in headless Chromium (Debian's ``chromium``, driven by Playwright): wait for every chart,
collect console errors, and take screenshots of the page and of its sections.

``python -m custseg.report.screenshots --report warehouse/reports/sample.html --out docs/images`` writes the
README's pictures (``make report-images``). Playwright never downloads a browser here: it is pointed at the
system's Chromium (``CUSTSEG_CHROMIUM``, else ``chromium`` on PATH).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

INSTALL_HINT = ("headless Chromium not found: install Debian's browser with `sudo apt-get install -y chromium` "
                "(or set CUSTSEG_CHROMIUM to a Chromium executable); Playwright comes from requirements/dev.txt "
                "and is never asked to download a browser")
# The README's pictures: file name -> the part of the page shown (None: the top of the page, down to the cards).
README_IMAGES = {"report_overview.png": None, "report_segments.png": "section#segments .charts",
                 "report_targets.png": "section#targets", "report_population.png": "section#population",
                 "report_value.png": "section#clv"}
VIEWPORT = {"width": 1320, "height": 900}


def chromium_path() -> str:
    path = os.environ.get("CUSTSEG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not Path(path).exists():
        raise FileNotFoundError(INSTALL_HINT)
    return path


def show(page, report: Path | str) -> None:
    """Load ``report`` in ``page`` and wait until every chart is drawn (or failed, which the page logs)."""
    page.goto(Path(report).resolve().as_uri())
    page.wait_for_function(
        "[...document.querySelectorAll('div.chart[data-chart]')].every(e => e.dataset.rendered)", timeout=60_000)


@contextlib.contextmanager
def open_report(report: Path | str, downloads: bool = False) -> Iterator[tuple[object, list[str]]]:
    """A Playwright page showing ``report`` with every chart drawn, and the list its console errors go to."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=downloads, device_scale_factor=1)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
            show(page, report)
            yield page, errors
        finally:
            browser.close()


def take_readme_images(page, report: Path | str, out_dir: Path | str) -> list[Path]:
    """The README's pictures of ``report``, freshly loaded in ``page`` (so no earlier click shows)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    show(page, report)
    page.add_style_tag(content="nav { position: static; }")  # a sticky bar would cover each section's top
    written = []
    for name, selector in README_IMAGES.items():
        path = out_dir / name
        if selector is None:  # the top of the page down to the end of the segment cards (or the first screen)
            cards = page.locator("section#segments .cards")
            bottom = (cards.bounding_box()["y"] + cards.bounding_box()["height"] + 16) if cards.count() else 0
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(path), full_page=True,
                            clip={"x": 0, "y": 0, "width": VIEWPORT["width"],
                                  "height": max(VIEWPORT["height"], bottom)})
        else:
            page.locator(selector).screenshot(path=str(path))
        written.append(path)
    return written


def write_readme_images(report: Path | str, out_dir: Path | str) -> list[Path]:
    with open_report(report) as (page, errors):
        written = take_readme_images(page, report, out_dir)
        if errors:
            raise RuntimeError(f"the report logged console errors: {errors}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.report.screenshots", description=__doc__)
    parser.add_argument("--report", required=True, help="the report to photograph, e.g. warehouse/reports/sample.html")
    parser.add_argument("--out", required=True, help="the folder the PNG files go to, e.g. docs/images")
    args = parser.parse_args(argv)
    try:
        for path in write_readme_images(args.report, args.out):
            print(path)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
