"""``python -m custseg.report``: write the HTML report of a warehouse (run by ``make report``)."""

from __future__ import annotations

import argparse
import json
import sys

from custseg.report.build import build_report


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
    print(json.dumps({
        "report": str(result.path), "bytes": result.bytes,
        "sections": {s.section.key: s.status for s in result.sections},
    }))
    for failed in result.errors:
        print(f"report section {failed.section.key!r} failed: {failed.message}", file=sys.stderr)
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
