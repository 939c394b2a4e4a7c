"""Render the report: one HTML file, every figure embedded as a base64 PNG, from one warehouse file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from custseg.report.data import WarehouseTables
from custseg.report.sections import SECTIONS, Rendered, Section

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


def render_section(section: Section, wh: WarehouseTables) -> SectionResult:
    for table, columns in section.requires.items():
        if not wh.has(table):
            return SectionResult(section, UNAVAILABLE, f"Not available for this data set: `{table}` is not built.")
        if wh.query(f'select count(*) as n from "{table}"')["n"].iloc[0] == 0:
            return SectionResult(section, UNAVAILABLE,
                                 f"Not available for this data set: `{table}` is empty (its inputs are missing).")
        missing = [c for c in columns if c not in wh.columns(table)]
        if missing:
            return SectionResult(section, ERROR, f"`{table}` has no column {', '.join(missing)}.")
    try:
        rendered = section.render(wh)
    except Exception as exc:  # one broken section must not hide the others: show it, and fail the command
        return SectionResult(section, ERROR, f"{type(exc).__name__}: {exc}")
    missing_figures = [f for f in section.figures if f not in rendered.figures]
    if missing_figures:
        return SectionResult(section, ERROR, f"figures not drawn: {', '.join(missing_figures)}")
    return SectionResult(section, AVAILABLE, rendered=rendered)


def build_report(db_path: Path | str, dataset: str, out_path: Path | str, source: str | None = None) -> ReportResult:
    """Write the report of the warehouse ``db_path`` to ``out_path`` (atomically) and say what it holds.

    ``source`` is the file name the report shows as its source (default: the name of ``db_path``).
    """
    out_path = Path(out_path)
    with WarehouseTables(db_path) as wh:
        results = [render_section(section, wh) for section in SECTIONS]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    html = env.get_template("report.html.j2").render(dataset=dataset, sections=results,
                                                     source=source or Path(db_path).name)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp-{os.getpid()}")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out_path)
    return ReportResult(path=out_path, bytes=out_path.stat().st_size, sections=results)
