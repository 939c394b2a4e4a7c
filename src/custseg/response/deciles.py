"""Deterministic deciles: 1 = the highest-probability 10 %, 10 = the lowest.

Rows are ranked by probability descending, ties broken by customer_id ascending, and cut like SQL's
``ntile(10) over (order by probability desc, customer_id)``: group sizes differ by at most one, the first
``n % 10`` deciles holding the extra row.
"""

from __future__ import annotations

import numpy as np

from custseg.response.metrics import rank_order


def ntile(n: int, buckets: int = 10) -> np.ndarray:
    """Bucket number (1-based) for ranks 0..n-1, with SQL ntile semantics."""
    base, extra = divmod(n, buckets)
    sizes = [base + (1 if b < extra else 0) for b in range(buckets)]
    return np.repeat(np.arange(1, buckets + 1), sizes)


def assign_deciles(prob: np.ndarray, ids: np.ndarray, buckets: int = 10) -> np.ndarray:
    """Decile per row (aligned with the input order)."""
    prob = np.asarray(prob, dtype=float)
    order = rank_order(prob, np.asarray(ids))
    out = np.empty(len(prob), dtype=np.int64)
    out[order] = ntile(len(prob), buckets)
    return out
