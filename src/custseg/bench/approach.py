"""Run the notebook approach or the floor in this process and print its stage figures as JSON.

Usage: ``python -m custseg.bench.approach notebook|floor RAW_DIR``. The notebook's stages are
"clean+features", the customer k selection with the silhouette on every customer, and "other
fits" (:mod:`custseg.bench.notebook_fits`). The floor's stages are "clean+features" and "fits"
(the project's own, :func:`custseg.bench.fits.run_fits`). Peak memory is the process's
high-water mark after each stage, so it can only grow from stage to stage.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str]) -> int:
    approach, raw_dir = argv[1], argv[2]
    if approach == "notebook":
        from custseg.bench.notebook import notebook_features as features_of
        from custseg.bench.notebook_fits import notebook_fits as fits_of
    elif approach == "floor":
        from custseg.bench.floor import floor_features as features_of
        from custseg.bench.fits import run_fits as fits_of
    else:
        raise SystemExit(f"unknown approach {approach!r}: use notebook or floor")

    stages = []
    start = time.perf_counter()

    def stage_done(name: str) -> None:
        nonlocal start
        stages.append({"stage": name, "seconds": time.perf_counter() - start, "peak_mb": _peak_mb()})
        start = time.perf_counter()

    features, training, population = features_of(raw_dir)
    stage_done("clean+features")
    if approach == "notebook":
        figures = fits_of(features, training, population, on_stage=stage_done)
    else:
        figures = fits_of(features, training, population)
        stage_done("fits")
    print(json.dumps({"approach": approach, "customers": len(features), "stages": stages, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
