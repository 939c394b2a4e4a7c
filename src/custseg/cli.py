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
    counts = generate_world(spec, args.out, progress=not args.quiet)
    print(json.dumps({"out": str(args.out), **counts}))
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
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=_generate)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
