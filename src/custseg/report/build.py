"""Render the report: one self-contained HTML file (charts as Vega-Lite specs, the Vega libraries inlined, the
target list as data for its table and CSV download), from one warehouse file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from custseg.report import assets
from custseg.report.data import WarehouseTables
from custseg.report.formatting import CURRENCY_BY_DATASET
from custseg.report.sections import EMPTY_REASONS, PARTS, SECTIONS, Rendered, Section

AVAILABLE, UNAVAILABLE, ERROR = "available", "unavailable", "error"
TEMPLATE_DIR = Path(__file__).with_name("templates")


@dataclass
class SectionResult:
    section: Section
    status: str
    message: str = ""
    rendered: Rendered | None = None


@dataclass(frozen=True)
class ReportResult:
    path: Path
    bytes: int
    sections: list[SectionResult]

    @property
    def errors(self) -> list[SectionResult]:
        return [s for s in self.sections if s.status == ERROR]


def render_section(section: Section, wh: WarehouseTables, currency: str = "") -> SectionResult:
    for table, columns in section.requires.items():
        if not wh.has(table):
            return SectionResult(section, UNAVAILABLE,
                                 f"Not available for this data set: the table {table} is not built.")
        if wh.query(f'select count(*) as n from "{table}"')["n"].iloc[0] == 0:
            why = EMPTY_REASONS.get(table, "its inputs are missing")
            return SectionResult(section, UNAVAILABLE,
                                 f"Not available for this data set: {why} (the table {table} is empty).")
        missing = [c for c in columns if c not in wh.columns(table)]
        if missing:
            return SectionResult(section, ERROR, f"The table {table} has no column {', '.join(missing)}: "
                                                 "the report must follow its new shape.")
    try:
        rendered = section.render(wh, currency)
    except Exception as exc:  # one broken section must not hide the others: show it, and fail the command
        return SectionResult(section, ERROR, f"{type(exc).__name__}: {exc}")
    missing_charts = [c for c in section.charts if c not in rendered.charts and c not in rendered.skipped]
    if missing_charts:
        return SectionResult(section, ERROR, f"charts not drawn: {', '.join(missing_charts)}")
    return SectionResult(section, AVAILABLE, rendered=rendered)


def script_json(value: object) -> str:
    """JSON to put inside a <script> element: "</" is written "<\\/" so no value can close the element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def build_report(db_path: Path | str, dataset: str, out_path: Path | str, source: str | None = None,
                 currency: str | None = None) -> ReportResult:
    """Write the report of the warehouse ``db_path`` to ``out_path`` (atomically) and say what it holds.

    ``source`` is the file name the report shows as its source (default: the name of ``db_path``); ``currency``
    the sign written before amounts (default: the data set's, when known, else none).
    """
    out_path = Path(out_path)
    currency = CURRENCY_BY_DATASET.get(dataset, "") if currency is None else currency
    with WarehouseTables(db_path) as wh:
        results = [render_section(section, wh, currency) for section in SECTIONS]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = script_json
    parts = [(part, title, [r for r in results if r.section.part == part]) for part, title in PARTS.items()]
    html = env.get_template("report.html.j2").render(
        dataset=dataset, sections=results, parts=parts, source=source or Path(db_path).name,
        vega_script=assets.vega_bundle(), page_script=assets.page_script(), page_style=assets.page_style())
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp-{os.getpid()}")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out_path)
    return ReportResult(path=out_path, bytes=out_path.stat().st_size, sections=results)
