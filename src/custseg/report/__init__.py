"""The HTML report: one file with its figures embedded, built from a warehouse (normally the serving copy).

- :mod:`.data`      read the public tables, read-only
- :mod:`.figures`   one matplotlib figure per plot
- :mod:`.sections`  the sections as data: tables and columns needed, figures drawn
- :mod:`.build`     render every section into ``templates/report.html.j2``
"""

from custseg.report.build import AVAILABLE, ERROR, UNAVAILABLE, ReportResult, build_report
from custseg.report.sections import SECTIONS

__all__ = ["AVAILABLE", "ERROR", "SECTIONS", "UNAVAILABLE", "ReportResult", "build_report"]
