"""Stable segment ids.

k-means numbers its clusters in an arbitrary order. To give the same data the same
segment ids on every rebuild, clusters are renumbered 1..k by **size, largest first**;
equal sizes are ordered by their centroid coordinates in the scaled space
(lexicographically, feature order, rounded to 9 decimals), smallest first.
"""

from __future__ import annotations

import numpy as np


def stable_order(labels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Old cluster indices in their new order (position i holds the cluster that becomes id i+1)."""
    k = len(centers)
    sizes = np.bincount(np.asarray(labels, dtype="int64"), minlength=k)
    keys = [(-int(sizes[c]), *np.round(centers[c], 9).tolist(), c) for c in range(k)]
    return np.array([key[-1] for key in sorted(keys)], dtype="int64")


def new_ids(labels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The 1-based stable id of each old cluster index (position c holds cluster c's id)."""
    order = stable_order(labels, centers)
    new_id = np.empty(len(centers), dtype="int64")
    new_id[order] = np.arange(1, len(centers) + 1)
    return new_id


def relabel(labels: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(segment_ids, ordered_centers, new_id)``: 1-based stable ids, the centers in id order, and the id
    of each old cluster index (:func:`new_ids`, to renumber later predictions)."""
    new_id = new_ids(labels, centers)
    return new_id[np.asarray(labels, dtype="int64")], np.asarray(centers)[np.argsort(new_id)], new_id
