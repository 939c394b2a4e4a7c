"""Run the notebook approach or the floor in this process and print its stage figures as JSON.

Usage: ``python -m custseg.bench.approach notebook|floor RAW_DIR``. Peak memory is the
process's high-water mark after each stage (so it can only grow from stage to stage).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str]) -> int:
    approach, raw_dir = argv[1], argv[2]
    if approach == "notebook":
        from custseg.bench.notebook import notebook_features as features_of
    elif approach == "floor":
        from custseg.bench.floor import floor_features as features_of
    else:
        raise SystemExit(f"unknown approach {approach!r}: use notebook or floor")
    from custseg.bench.fits import run_fits

    stages = []
    start = time.perf_counter()
    features, training, population = features_of(raw_dir)
    stages.append({"stage": "clean+features", "seconds": time.perf_counter() - start, "peak_mb": _peak_mb()})
    start = time.perf_counter()
    figures = run_fits(features, training, population)
    stages.append({"stage": "fits", "seconds": time.perf_counter() - start, "peak_mb": _peak_mb()})
    print(json.dumps({"approach": approach, "customers": len(features), "stages": stages, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
