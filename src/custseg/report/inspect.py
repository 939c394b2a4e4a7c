"""Read a written report back: each section's status and message, and its figures as PNG bytes.

Used by the tests and handy in CI: ``python -c "from custseg.report.inspect import read_report; ..."``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URI_PREFIX = "data:image/png;base64,"


@dataclass
class SectionView:
    key: str
    status: str
    text: str = ""
    figures: dict[str, bytes] = field(default_factory=dict)


class _ReportParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, SectionView] = {}
        self._current: SectionView | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-section"):
            self._current = SectionView(key=a["data-section"], status=a.get("data-status") or "")
            self.sections[self._current.key] = self._current
        elif tag == "img" and self._current is not None:
            src = a.get("src") or ""
            key = a.get("data-figure") or f"figure_{len(self._current.figures)}"
            payload = src[len(DATA_URI_PREFIX):] if src.startswith(DATA_URI_PREFIX) else ""
            self._current.figures[key] = base64.b64decode(payload) if payload else b""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.text += data


def read_report(path: Path | str) -> dict[str, SectionView]:
    parser = _ReportParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser.sections
