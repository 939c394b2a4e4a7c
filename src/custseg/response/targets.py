"""Campaign target list: the top N (int) or top share (float in (0, 1]) of a population, by probability.

``population`` picks who may be targeted: ``"all"``, ``"labeled"``, ``"unlabeled"`` (e.g. the 4,000 CoIL
evaluation households, which carry no label), or an explicit collection of customer ids. Ranks run 1..N
by probability descending, ties broken by customer_id ascending. A share is turned into a count by
rounding half up (0.2 of 4,000 -> 800). If N exceeds the population, the whole population is returned.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from custseg.response.metrics import rank_order

TARGET_COLUMNS = ["rank", "customer_id", "response_probability", "response_decile"]


def target_count(top: int | float, population_size: int) -> int:
    if isinstance(top, (bool, np.bool_)):
        raise ValueError(f"top must be an int (count) or a float in (0, 1] (share), got {top!r}")
    if isinstance(top, (int, np.integer)):
        if top < 0:
            raise ValueError(f"top must be >= 0, got {top}")
        return int(min(top, population_size))
    if isinstance(top, (float, np.floating)):
        if not 0.0 < top <= 1.0:
            raise ValueError(f"a share for top must be in (0, 1], got {top}; pass an int for a count")
        return int(min(population_size, np.floor(top * population_size + 0.5)))
    raise ValueError(f"top must be an int (count) or a float in (0, 1] (share), got {top!r}")


def campaign_targets(scores: pd.DataFrame, top: int | float,
                     population: str | Iterable[str] = "all") -> pd.DataFrame:
    """Select targets from a ``response_scores`` table (needs customer_id, response_probability,
    response_decile and, for "labeled"/"unlabeled", is_labeled)."""
    for col in ("customer_id", "response_probability", "response_decile"):
        if col not in scores.columns:
            raise ValueError(f"scores table has no column {col!r}")
    if isinstance(population, str):
        if population == "all":
            pool = scores
        elif population in ("labeled", "unlabeled"):
            if "is_labeled" not in scores.columns:
                raise ValueError("scores table has no column 'is_labeled'")
            mask = scores["is_labeled"].astype(bool)
            pool = scores[mask if population == "labeled" else ~mask]
        else:
            raise ValueError(f"population must be 'all', 'labeled', 'unlabeled' or a list of ids, got {population!r}")
    else:
        wanted = {str(x) for x in population}
        pool = scores[scores["customer_id"].astype(str).isin(wanted)]
    ids = pool["customer_id"].astype(str).to_numpy(dtype=object)
    prob = pool["response_probability"].to_numpy(dtype=float)
    order = rank_order(prob, ids)[: target_count(top, len(pool))]
    picked = pool.iloc[order]
    return pd.DataFrame({
        "rank": np.arange(1, len(picked) + 1, dtype=np.int64),
        "customer_id": picked["customer_id"].astype(str).to_numpy(dtype=object),
        "response_probability": picked["response_probability"].to_numpy(dtype=float),
        "response_decile": picked["response_decile"].to_numpy(dtype=np.int64),
    })[TARGET_COLUMNS]
