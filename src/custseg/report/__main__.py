"""``python -m custseg.report``: write the HTML report of a warehouse (run by ``make report``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from custseg.report.build import ReportResult, build_report


def emit(result: ReportResult, path: Path | None = None) -> int:
    """Print what the report holds (one JSON line; failed sections on stderr); the exit code."""
    print(json.dumps({
        "report": str(path or result.path), "bytes": result.bytes,
        "sections": {s.section.key: s.status for s in result.sections},
    }))
    for failed in result.errors:
        print(f"report section {failed.section.key!r} failed: {failed.message}", file=sys.stderr)
    return 1 if result.errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.report", description=__doc__)
    parser.add_argument("--db", required=True, help="the warehouse to read, e.g. warehouse/serving/sample.duckdb")
    parser.add_argument("--dataset", required=True, help="data set name shown in the report")
    parser.add_argument("--out", required=True, help="the HTML file to write")
    args = parser.parse_args(argv)
    try:
        result = build_report(args.db, args.dataset, args.out)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return emit(result)


if __name__ == "__main__":
    sys.exit(main())
