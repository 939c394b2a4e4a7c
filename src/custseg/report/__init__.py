"""The HTML report: one self-contained file a marketer opens offline, built from a warehouse (normally the
serving copy).

- :mod:`.data`        read the public tables, read-only
- :mod:`.formatting`  numbers and feature names written for people
- :mod:`.segments`    segment labels, what sets each apart, a suggested action
- :mod:`.charts`      one interactive Vega-Lite chart (Altair) per plot
- :mod:`.sections`    the sections as data: tables and columns needed, charts drawn, business or technical part
- :mod:`.assets`      the inlined JavaScript (Vega from vl-convert-python) and the page's style and script
- :mod:`.build`       render every section into ``templates/report.html.j2``
- :mod:`.inspect`     read a written report back (tests, CI)
- :mod:`.screenshots` the README's pictures, taken from the report in headless Chromium
"""

from custseg.report.build import AVAILABLE, ERROR, UNAVAILABLE, ReportResult, build_report
from custseg.report.sections import SECTIONS

__all__ = ["AVAILABLE", "ERROR", "SECTIONS", "UNAVAILABLE", "ReportResult", "build_report"]
