"""Choosing the number of segments k.

For every k in a range (default 2..10) k-means is fitted (same ``n_init`` and
``random_state`` as the final fit) and four criteria are recorded:

* ``inertia`` - within-cluster sum of squares (lower is better, always falls with k);
* ``silhouette`` - mean silhouette (higher is better). When the data has more rows than
  ``silhouette_sample_size`` (default 10,000) it is computed on a fixed random sample of
  that many rows (seed ``random_state``; the same rows for every k). The pairwise distances of those rows are
  the same for every k, so :func:`silhouettes` computes them once for the whole range (in scikit-learn's
  chunks) and reduces each chunk for every k: the values of ``silhouette_score``, for the cost of one;
* ``davies_bouldin`` - lower is better;
* ``calinski_harabasz`` - higher is better;
* ``stability`` - mean adjusted Rand index (ARI) between the k-means of the selection sample and
  ``stability_bootstraps`` refits on bootstrap resamples of it (each refit labels the whole selection
  sample; 1 = the same partition every time). Segments that move when a few customers change are not worth
  a campaign; this measures it (Hennig 2007, "Cluster-wise assessment of cluster stability"). Measured only
  for k in the marketer's range (NaN elsewhere, and when ``stability_bootstraps`` is 0); the refits use
  ``min(n_init, 3)`` starts, which bounds the cost (about 0.3 of the per-k fits with 10 refits).

The rule that chooses k (:func:`choose_k`), in three steps:

1. **the marketer's range**: only k in ``segments_min``..``segments_max`` (the dbt build's defaults 3..8:
   two segments are a split, not a segmentation a campaign can work with); every k of the evaluated range is
   still recorded;
2. **stable enough**: of those, the k whose stability is at least ``stability_threshold`` (0.8); when none
   is, the most stable k of the range alone;
3. **silhouette**: of those, the **smallest k whose silhouette (rounded to 4 decimals) is within
   ``silhouette_tolerance`` (default 0.02) of their best** - near-ties go to the smaller, simpler
   segmentation (with tolerance 0 it is plain "best silhouette, exact ties to the smaller k").

The library defaults (range from 2, no stability) keep the plain silhouette rule. The tolerance guards against an
extra split of a real segment that scores a hair better (seen on a 2,000-customer sample
world: k=5 at 0.585 vs the planted k=4 at 0.573). A fixed k (``fixed_k``) overrides the rule; the
criteria are still recorded for the range, and the fixed k is added to the table if it
lies outside the range.

With more rows than ``selection_sample_size`` (default 50,000) the per-k fits run on a
fixed random sample of that size (the final fit still uses every row).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score
from sklearn.metrics import pairwise_distances_chunked

K_SELECTION_COLUMNS = ("k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz", "is_chosen",
                       "silhouette_sample_size", "selection_sample_size", "stability", "is_in_range", "is_stable",
                       "stability_bootstraps")
SILHOUETTE_DECIMALS = 4
SILHOUETTE_TOLERANCE = 0.02
STABILITY_THRESHOLD = 0.8
STABILITY_N_INIT = 3


def sample_indices(n: int, sample_size: int | None, random_state: int) -> np.ndarray:
    """Sorted row indices of a fixed random sample (all rows when ``n <= sample_size``)."""
    if sample_size is None or n <= sample_size:
        return np.arange(n)
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, size=sample_size, replace=False))


def evaluate_k(x: np.ndarray, k_values: Iterable[int] = range(2, 11), *, n_init: int = 10,
               random_state: int = 42, silhouette_sample_size: int | None = 10_000,
               selection_sample_size: int | None = 50_000, stability_bootstraps: int = 0,
               segments_min: int = 2, segments_max: int | None = None) -> pd.DataFrame:
    """Fit k-means for each k and return the criteria table (``is_chosen`` all False).

    ``x`` is the clustering matrix (scaled, or PCA scores). k values larger than the
    number of distinct rows are skipped.
    """
    x = np.asarray(x, dtype="float64")
    x = x[sample_indices(len(x), selection_sample_size, random_state)]
    n_distinct = len(np.unique(x, axis=0))
    sil_idx = sample_indices(len(x), silhouette_sample_size, random_state)
    fits = {}
    for k in sorted(set(int(k) for k in k_values)):
        if k < 2:
            raise ValueError(f"k must be at least 2, got {k}")
        if k > n_distinct or k >= len(x):
            continue  # k-means needs k distinct points and silhouette needs k <= n - 1
        fits[k] = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(x)
    sil_by_k = dict(zip(fits, silhouettes(x[sil_idx], [km.labels_[sil_idx] for km in fits.values()])))
    rows = []
    for k, km in fits.items():
        labels, sil = km.labels_, sil_by_k[k]
        measured = segments_min <= k <= (segments_max if segments_max is not None else k)
        stab = bootstrap_stability(x, labels, k, stability_bootstraps if measured else 0,
                                   n_init=min(n_init, STABILITY_N_INIT), random_state=random_state)
        rows.append({
            "k": k,
            "inertia": float(km.inertia_),
            "silhouette": sil,
            "davies_bouldin": float(davies_bouldin_score(x, labels)),
            "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
            "stability": stab,
            "is_in_range": True,
            "is_stable": False,
            "is_chosen": False,
            "silhouette_sample_size": len(sil_idx),
            "selection_sample_size": len(x),
            "stability_bootstraps": int(stability_bootstraps) if measured else 0,
        })
    if not rows:
        raise ValueError(f"no k in {list(k_values)} can be fitted on {len(x)} rows "
                         f"({n_distinct} distinct)")
    return _typed(pd.DataFrame(rows, columns=list(K_SELECTION_COLUMNS)))


def silhouettes(x: np.ndarray, labelings: Sequence[np.ndarray]) -> list[float]:
    """The mean silhouette of the rows ``x`` under each of ``labelings``: for each, the value of scikit-learn's
    ``silhouette_score(x, labels)``, bit for bit, computed the same way (the same chunks of euclidean distances,
    the same per-cluster sums), but with each chunk of distances computed once and reduced for every labeling.
    NaN for a labeling with one cluster, or with as many clusters as rows (the silhouette is undefined)."""
    defined = {}  # position in labelings -> (cluster code of each row, cluster sizes)
    for i, labels in enumerate(labelings):
        codes = np.unique(np.asarray(labels), return_inverse=True)[1].reshape(-1)
        freqs = np.bincount(codes)
        if 1 < len(freqs) < len(codes):
            defined[i] = (codes, freqs)
    parts = {i: ([], []) for i in defined}  # per chunk: each row's own-cluster sum, nearest-cluster mean
    start = 0
    for chunk in (pairwise_distances_chunked(np.asarray(x, dtype="float64")) if defined else ()):
        for i, (codes, freqs) in defined.items():
            own, nearest = _own_and_nearest(chunk, start, codes, freqs)
            parts[i][0].append(own)
            parts[i][1].append(nearest)
        start += len(chunk)
    return [_mean_silhouette(*defined[i], *parts[i]) if i in defined else float("nan") for i in range(len(labelings))]


def _own_and_nearest(chunk: np.ndarray, start: int, codes: np.ndarray,
                     freqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the rows ``start..`` of one chunk of distances: each row's sum of distances to its own cluster, and
    its mean distance to the nearest other cluster (scikit-learn's per-chunk silhouette reduction)."""
    sums = np.zeros((len(chunk), len(freqs)), dtype=chunk.dtype)
    for row in range(len(chunk)):
        sums[row] += np.bincount(codes, weights=chunk[row], minlength=len(freqs))
    own = (np.arange(len(chunk)), codes[start:start + len(chunk)])
    intra = sums[own]
    sums[own] = np.inf
    sums /= freqs
    return intra, sums.min(axis=1)


def _mean_silhouette(codes: np.ndarray, freqs: np.ndarray, intra: list, inter: list) -> float:
    intra, inter = np.concatenate(intra), np.concatenate(inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        intra = intra / (freqs - 1).take(codes, mode="clip")
        samples = (inter - intra) / np.maximum(intra, inter)
    return float(np.mean(np.nan_to_num(samples)))


def bootstrap_stability(x: np.ndarray, labels: np.ndarray, k: int, bootstraps: int, *, n_init: int = 10,
                        random_state: int = 42) -> float:
    """Mean ARI between ``labels`` (k-means of ``x``) and the labels of ``x`` by k-means refitted on
    ``bootstraps`` resamples of ``x`` (rows drawn with replacement, seed ``random_state``; the same resamples
    for every k). NaN when ``bootstraps`` is 0."""
    if bootstraps <= 0:
        return float("nan")
    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(int(bootstraps)):
        rows = rng.integers(0, len(x), size=len(x))
        refit = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(x[rows])
        scores.append(adjusted_rand_score(labels, refit.predict(x)))
    return float(np.mean(scores))


def choose_k(table: pd.DataFrame, fixed_k: int | None = None,
             silhouette_tolerance: float = SILHOUETTE_TOLERANCE, *, segments_min: int = 2,
             segments_max: int | None = None, stability_threshold: float = STABILITY_THRESHOLD) -> int:
    """The documented rule (module docstring): within ``segments_min``..``segments_max``, among the k whose
    stability reaches ``stability_threshold`` (or the most stable k when none does; NaN stability counts as
    stable), the smallest k whose silhouette (rounded to 4 decimals) is within ``silhouette_tolerance`` of
    their best.

    ``fixed_k`` (if given) wins. A range no evaluated k falls in is ignored (every k competes). A table whose
    silhouettes are all NaN gives its smallest eligible k.
    """
    if fixed_k is not None:
        return int(fixed_k)
    eligible = eligibility(table, segments_min, segments_max, stability_threshold)
    pool = table[eligible]
    sil = pool["silhouette"].round(SILHOUETTE_DECIMALS)
    if sil.isna().all():
        return int(pool["k"].min())
    best = float(sil.max())
    close = pool.loc[sil >= round(best - silhouette_tolerance, SILHOUETTE_DECIMALS) - 1e-12, "k"]
    return int(close.min())


def in_range(table: pd.DataFrame, segments_min: int = 2, segments_max: int | None = None) -> pd.Series:
    """The rows of ``table`` whose k lies in the marketer's range (all rows when none does)."""
    k = table["k"].astype(int)
    inside = (k >= int(segments_min)) & (k <= (int(segments_max) if segments_max is not None else k.max()))
    return inside if inside.any() else pd.Series(True, index=table.index)


def stable(table: pd.DataFrame, inside: pd.Series, stability_threshold: float = STABILITY_THRESHOLD) -> pd.Series:
    """The rows of ``inside`` stable enough: stability >= threshold (NaN: not measured, counts as stable); when
    none is, the most stable row of ``inside``."""
    stab = table["stability"] if "stability" in table else pd.Series(np.nan, index=table.index)
    ok = inside & (stab.isna() | (stab >= stability_threshold))
    if ok.any():
        return ok
    return inside & (stab == stab[inside].max())


def eligibility(table: pd.DataFrame, segments_min: int = 2, segments_max: int | None = None,
                stability_threshold: float = STABILITY_THRESHOLD) -> pd.Series:
    """Steps 1 and 2 of the rule: the rows the silhouette step chooses among."""
    return stable(table, in_range(table, segments_min, segments_max), stability_threshold)


def select_k(x: np.ndarray, k_values: Iterable[int] = range(2, 11), *, fixed_k: int | None = None,
             n_init: int = 10, random_state: int = 42, silhouette_sample_size: int | None = 10_000,
             selection_sample_size: int | None = 50_000,
             silhouette_tolerance: float = SILHOUETTE_TOLERANCE, stability_bootstraps: int = 0,
             segments_min: int = 2, segments_max: int | None = None,
             stability_threshold: float = STABILITY_THRESHOLD) -> tuple[int, pd.DataFrame]:
    """Evaluate the k range, choose k, and return ``(k, table)`` with ``is_in_range``, ``is_stable`` and
    ``is_chosen`` set."""
    k_values = list(k_values)
    if fixed_k is not None and fixed_k not in k_values:
        k_values.append(int(fixed_k))
    table = evaluate_k(x, k_values, n_init=n_init, random_state=random_state,
                       silhouette_sample_size=silhouette_sample_size,
                       selection_sample_size=selection_sample_size,
                       stability_bootstraps=stability_bootstraps, segments_min=segments_min,
                       segments_max=segments_max)
    inside = in_range(table, segments_min, segments_max)
    table["is_in_range"] = inside
    table["is_stable"] = table["stability"] >= stability_threshold
    k = choose_k(table, fixed_k, silhouette_tolerance, segments_min=segments_min, segments_max=segments_max,
                 stability_threshold=stability_threshold)
    if k not in set(table["k"]):
        raise ValueError(f"k = {k} cannot be fitted on this data ({len(x)} rows)")
    table["is_chosen"] = table["k"] == k
    return k, _typed(table)


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype({"k": "int64", "inertia": "float64", "silhouette": "float64",
                         "davies_bouldin": "float64", "calinski_harabasz": "float64",
                         "stability": "float64", "is_in_range": "bool", "is_stable": "bool",
                         "is_chosen": "bool", "silhouette_sample_size": "int64",
                         "selection_sample_size": "int64", "stability_bootstraps": "int64"})[list(K_SELECTION_COLUMNS)] \
        .reset_index(drop=True)
