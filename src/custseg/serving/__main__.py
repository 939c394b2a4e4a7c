"""``python -m custseg.serving``: publish the serving copy of a built warehouse (run by ``make publish``)."""

from __future__ import annotations

import argparse
import json
import sys

from custseg.serving.publish import publish


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.serving", description=__doc__)
    parser.add_argument("--db", required=True, help="the built warehouse, e.g. warehouse/sample.duckdb")
    parser.add_argument("--manifest", required=True, help="manifest.json of the dbt build that wrote --db")
    parser.add_argument("--serving-dir", required=True, help="where to publish, e.g. warehouse/serving")
    parser.add_argument("--dataset", required=True, help="data set name: the file is <serving-dir>/<dataset>.duckdb")
    args = parser.parse_args(argv)
    try:
        result = publish(args.db, args.manifest, args.serving_dir, args.dataset)
    except (FileNotFoundError, RuntimeError, ValueError) as exc:  # nothing was replaced: say why, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({
        "serving_db": str(result.duckdb_path), "parquet_dir": str(result.parquet_dir),
        "tables": len(result.row_counts), "rows": sum(result.row_counts.values()),
        "bytes": result.bytes, "seconds": round(result.seconds, 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
