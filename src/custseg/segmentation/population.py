"""Customers versus the general population (the Arvato question).

:func:`compare_with_population` fits segments on the population's (demographic)
features, assigns the customers to those population segments with the stored centroids,
and compares shares per segment:

* ``population_share`` = population_count / population rows,
* ``customer_share`` = customer_count / customer rows,
* ``representation_ratio`` = customer_share / population_share (null if the population
  share is 0),
* ``representation`` = ``'over'`` if the ratio > ``over_threshold`` (default 1.2),
  ``'under'`` if it is < ``under_threshold`` (default 0.8), else ``'neutral'``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COMPARISON_COLUMNS = ("segment_id", "segment_name", "population_count", "population_share", "customer_count",
                      "customer_share", "representation_ratio", "representation")
OVER_THRESHOLD = 1.2
UNDER_THRESHOLD = 0.8


def representation(ratio: float, over_threshold: float = OVER_THRESHOLD,
                   under_threshold: float = UNDER_THRESHOLD) -> str | None:
    """'over' / 'under' / 'neutral' for one ratio (None when the ratio is undefined)."""
    if ratio is None or not np.isfinite(ratio):
        return None
    if ratio > over_threshold:
        return "over"
    if ratio < under_threshold:
        return "under"
    return "neutral"


def comparison_table(population_segments: np.ndarray, customer_segments: np.ndarray,
                     segment_names: dict[int, str], *, over_threshold: float = OVER_THRESHOLD,
                     under_threshold: float = UNDER_THRESHOLD) -> pd.DataFrame:
    """The comparison table from two arrays of segment ids (one per population row / customer)."""
    pop = np.asarray(population_segments)
    cus = np.asarray(customer_segments)
    rows = []
    for s in sorted(int(k) for k in segment_names):
        pc, cc = int((pop == s).sum()), int((cus == s).sum())
        ps = pc / len(pop) if len(pop) else np.nan
        cs = cc / len(cus) if len(cus) else np.nan
        ratio = cs / ps if ps and np.isfinite(ps) and np.isfinite(cs) else np.nan
        rows.append([s, segment_names[s], pc, ps, cc, cs, ratio,
                     representation(ratio, over_threshold, under_threshold)])
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS)).astype({
        "segment_id": "int64", "segment_name": "string", "population_count": "int64",
        "population_share": "float64", "customer_count": "int64", "customer_share": "float64",
        "representation_ratio": "float64", "representation": "string"})


def compare_with_population(population, customers, features, *, population_id_column: str = "person_id",
                            customer_id_column: str = "customer_id", over_threshold: float = OVER_THRESHOLD,
                            under_threshold: float = UNDER_THRESHOLD, **fit_options):
    """Fit on ``population``, assign ``customers``, compare shares.

    ``fit_options`` go to :func:`custseg.segmentation.fit.fit_segments` (transforms, k
    range or fixed_k, random_state, ...). Returns ``(comparison, result, customer_assignments)``:
    the comparison table, the population :class:`~custseg.segmentation.fit.SegmentationResult`
    and the customers' assignments to the population segments.
    """
    from custseg.segmentation.fit import fit_segments
    from custseg.segmentation.scoring import assign_from_centroids

    result = fit_segments(population, features, id_column=population_id_column,
                          table_name=fit_options.pop("table_name", "population"), **fit_options)
    assigned = assign_from_centroids(customers, result.centroids, id_column=customer_id_column,
                                     segment_names=result.segment_names, table_name="customers")
    table = comparison_table(result.assignments["segment_id"].to_numpy(), assigned["segment_id"].to_numpy(),
                             result.segment_names, over_threshold=over_threshold,
                             under_threshold=under_threshold)
    return table, result, assigned
