"""``python -m custseg.serving``: publish the serving copy of a built warehouse (run by ``make publish``).

With ``--report OUT`` the HTML report of the new copy is rendered while its Parquet files are written (as
``make build`` does), so it adds no time of its own; the report file is replaced only when the new copy
was swapped in.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
from pathlib import Path

from custseg.serving.publish import PublishResult, publish

ERRORS = (FileNotFoundError, RuntimeError, ValueError)  # nothing was replaced: say why, no traceback


def _summary(result: PublishResult) -> str:
    return json.dumps({
        "serving_db": str(result.duckdb_path), "parquet_dir": str(result.parquet_dir),
        "tables": len(result.row_counts), "rows": sum(result.row_counts.values()),
        "bytes": result.bytes, "seconds": round(result.seconds, 2),
    })


def _publish_with_report(args: argparse.Namespace) -> int:
    # The report's imports (matplotlib, jinja2: ~2 s) load in a thread while the tables are copied; render()
    # imports them again, which waits for that thread if it has not finished.
    threading.Thread(target=importlib.import_module, args=("custseg.report.build",), daemon=True).start()
    report = Path(args.report)
    pending = report.with_name(f".{report.name}.publishing-{os.getpid()}")

    def render(serving_copy: Path):
        from custseg.report.build import build_report

        return build_report(serving_copy, args.dataset, pending, source=f"{args.dataset}.duckdb")

    try:
        result = publish(args.db, args.manifest, args.serving_dir, args.dataset, while_exporting=render)
        os.replace(pending, report)  # only once the new copy is in place
    except ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        pending.unlink(missing_ok=True)  # a report of a copy that was not swapped in
    print(_summary(result))
    from custseg.report.__main__ import emit

    return emit(result.side_result, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.serving", description=__doc__)
    parser.add_argument("--db", required=True, help="the built warehouse, e.g. warehouse/sample.duckdb")
    parser.add_argument("--manifest", required=True, help="manifest.json of the dbt build that wrote --db")
    parser.add_argument("--serving-dir", required=True, help="where to publish, e.g. warehouse/serving")
    parser.add_argument("--dataset", required=True, help="data set name: the file is <serving-dir>/<dataset>.duckdb")
    parser.add_argument("--report", help="also write the HTML report of the new copy to this file")
    args = parser.parse_args(argv)
    if args.report:
        return _publish_with_report(args)
    try:
        result = publish(args.db, args.manifest, args.serving_dir, args.dataset)
    except ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(_summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
