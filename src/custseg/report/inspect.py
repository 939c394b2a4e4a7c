"""Read a written report back without a browser: each section's status and text, its charts' Vega-Lite specs,
the charts it skipped (with why), its headline tiles, segment cards and the target list's embedded data.

Used by the tests and handy in CI: ``python -c "from custseg.report.inspect import read_report; ..."``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class SectionView:
    key: str
    status: str
    part: str = ""
    text: str = ""
    charts: dict[str, dict] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    tiles: dict[str, str] = field(default_factory=dict)  # label -> text of the tile
    cards: list[str] = field(default_factory=list)  # text of each segment card
    target_data: dict | None = None


class _ReportParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, SectionView] = {}
        self._current: SectionView | None = None
        self._part = ""
        self._capture: tuple[str, str] | None = None  # (what, key) of the element whose text is collected
        self._buffer = ""
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("data-part"):
            self._part = a["data-part"] or ""
        if tag == "section" and a.get("data-section"):
            self._current = SectionView(key=a["data-section"], status=a.get("data-status") or "", part=self._part)
            self.sections[self._current.key] = self._current
            return
        if self._current is None:
            return
        if self._capture is not None:
            self._depth += 1 if tag not in ("br", "input", "img", "meta") else 0
            return
        for attribute, what in (("data-spec", "spec"), ("data-chart-skipped", "skipped"), ("data-tile", "tile"),
                                ("data-segment", "card")):
            if a.get(attribute) is not None:
                self._capture, self._buffer, self._depth = (what, a[attribute] or ""), "", 0
        if tag == "script" and a.get("id") == "target-data":
            self._capture, self._buffer, self._depth = ("target", ""), "", 0

    def handle_endtag(self, tag: str) -> None:
        if self._capture is not None:
            if self._depth > 0:
                self._depth -= 1
                return
            what, key = self._capture
            self._capture = None
            view = self._current
            if what == "spec":
                view.charts[key] = json.loads(self._buffer)
            elif what == "skipped":
                view.skipped[key] = self._buffer.strip()
            elif what == "tile":
                view.tiles[key] = " ".join(self._buffer.split())
            elif what == "card":
                view.cards.append(" ".join(self._buffer.split()))
            elif what == "target":
                view.target_data = json.loads(self._buffer)
            return
        if tag == "section":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is None:
            return
        if self._capture is not None:
            if self._capture[0] in ("spec", "target"):
                self._buffer += data
                return
            self._buffer += " " + data  # the text of each element apart: "Customers 400", not "Customers400"
        self._current.text += data


def read_report(path: Path | str) -> dict[str, SectionView]:
    parser = _ReportParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser.sections
