"""Command line: ``custseg generate`` and the other non-dbt jobs."""

from __future__ import annotations

import argparse
import json
import sys


def _generate(args: argparse.Namespace) -> int:
    from custseg.generate import WorldSpec, generate_world

    if args.order_lines:
        spec = WorldSpec.for_order_lines(args.order_lines, seed=args.seed)
    else:
        spec = WorldSpec(customers=args.customers, seed=args.seed)
    if args.holdout:
        spec = spec.holdout(spec.customers)
    counts = generate_world(spec, args.out, progress=not args.quiet)
    print(json.dumps({"out": str(args.out), **counts}))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from custseg.bench.runner import SIZES, run_bench

    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise SystemExit(f"unknown size(s) {unknown}: choose from {sorted(SIZES)}")
    runs = tuple(r.strip() for r in args.runs.split(",") if r.strip())
    run_bench(sizes, Path(args.out), notebook_max_lines=args.notebook_max_lines, runs=runs, baseline=args.baseline,
              spark_max_lines=args.spark_max_lines)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="custseg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the synthetic sample world (Parquet) to a folder")
    gen.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    size = gen.add_mutually_exclusive_group()
    size.add_argument("--customers", type=int, default=5_000, help="about this many customers (default 5000)")
    size.add_argument("--order-lines", type=int, help="size the world by order lines instead (about)")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--holdout", action="store_true",
                     help="a fresh draw of customers from the same world (same --seed, another customer seed)")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=_generate)

    bench = sub.add_parser("bench", help="project vs notebook approach vs floor, wall time and peak memory")
    bench.add_argument("--sizes", default="100k,1m,10m,50m", help="order-line sizes: 100k,1m,10m,50m")
    bench.add_argument("--out", default="bench/results", help="folder for the result table (markdown + json)")
    bench.add_argument("--notebook-max-lines", type=int, default=10_000_000,
                       help="skip the pandas notebook approach above this many order lines")
    bench.add_argument("--runs", default="project,no-change,new-batch,floor,notebook,spark",
                       help="measurements to take (default all): project,no-change,new-batch,floor,notebook,spark "
                            "(make build DBT_TARGET=spark after the project's full build; needs make setup-spark)")
    bench.add_argument("--spark-max-lines", type=int, default=1_000_000,
                       help="skip the Spark build above this many order lines (default 1,000,000)")
    bench.add_argument("--baseline", metavar="COMMIT",
                       help="also build an older commit of this project (checked out under bench/baselines/) "
                            "after each project run, on the same world, and report project/baseline")
    bench.set_defaults(func=_bench)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
