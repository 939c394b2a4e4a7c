"""The gradient-boosting response model as a table that SQL can score (one row per tree node).

The ``hgb`` candidate is ``SimpleImputer(median) -> QuantileBinner -> HistGradientBoostingClassifier`` (binary,
no categorical features), fitted on raw columns that may first get a per-feature transform (``'log1p'`` /
``'none'``, see :mod:`.transforms`). :func:`tree_nodes_table` writes every node of every tree with its split
threshold mapped back through the binner, so that no binning is needed to score.

Node table (:data:`TREE_NODE_COLUMNS`, one row per node; split columns null on leaves)::

    tree_id, node_id, depth, is_leaf, feature_name, feature_position, transform, impute_value, threshold,
    missing_go_to_left, left_child, right_child, leaf_value, baseline, link, raw_threshold, null_goes_left

Scoring rule (:func:`predict_proba_from_tree_nodes`, the reference for the ``score_response_trees`` macro)::

    x'_f  = coalesce(transform_f(x_f), impute_value_f)       -- what the booster's pipeline sees
    walk each tree from node 0: at a split go to left_child when x'_f <= threshold, else right_child
    z     = baseline + sum over trees of the reached leaf's leaf_value
    p     = 1 / (1 + exp(-z))                                -- link 'logit'

Equivalently, on the raw value (what the SQL macro does, so it needs no ``ln`` and no imputation)::

    go left  <=>  x_f <= raw_threshold  when x_f is not null,   null_goes_left  when x_f is null

``raw_threshold`` is the largest raw value whose transformed value is ``<= threshold`` (equal to ``threshold``
for transform 'none'), and ``null_goes_left = (impute_value <= threshold)``. This form is exact on every SQL
engine: a database's ``ln`` can differ from numpy's ``log`` in the last bit (measured: 0.12% of values on
DuckDB 2.0 vs numpy 2.4), which would send a customer whose value sits exactly on a split threshold (quantile
thresholds are training values, so such customers exist) down the other branch.

Node ids are the booster's own: a depth-first pre-order, left subtree first (checked), so the leaves of a
split's left subtree are the node ids ``left_child .. right_child - 1``; the SQL macro relies on it.
``missing_go_to_left`` is the booster's own rule for NaN; the pipeline imputes before the booster, so it is
never used when scoring (kept for completeness).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from custseg.response.transforms import TRANSFORMS, apply_transform

LINK = "logit"
TREE_NODE_COLUMNS = ["tree_id", "node_id", "depth", "is_leaf", "feature_name", "feature_position", "transform",
                     "impute_value", "threshold", "missing_go_to_left", "left_child", "right_child",
                     "leaf_value", "baseline", "link", "raw_threshold", "null_goes_left"]
_DTYPES = {
    "tree_id": "int64", "node_id": "int64", "depth": "int64", "is_leaf": "bool", "feature_name": "str",
    "feature_position": "Int64", "transform": "str", "impute_value": "float64", "threshold": "float64",
    "missing_go_to_left": "boolean", "left_child": "Int64", "right_child": "Int64", "leaf_value": "float64",
    "baseline": "float64", "link": "str", "raw_threshold": "float64", "null_goes_left": "boolean",
}


def empty_tree_nodes_table() -> pd.DataFrame:
    """A node table with no rows (the columns and dtypes of :func:`tree_nodes_table`)."""
    return pd.DataFrame({c: pd.Series([], dtype=_DTYPES[c]) for c in TREE_NODE_COLUMNS})


def _masked(values, keep: np.ndarray, dtype: str) -> pd.Series:
    """A nullable column: ``values`` where ``keep``, null elsewhere."""
    return pd.Series(values).astype(dtype).where(keep, pd.NA)


def _binned_to_value_threshold(num_threshold: float, bin_thresholds: np.ndarray | None) -> float:
    """The value threshold ``v`` with ``value <= v  <=>  binned(value) <= num_threshold``.

    QuantileBinner maps ``x`` to ``b = searchsorted(thr, x, 'left')`` = the number of thresholds ``< x``, an
    integer in 0..len(thr). ``b <= t  <=>  b <= m`` with ``m = floor(t)``, and ``b <= m  <=>  thr[m] >= x``
    (fewer than m + 1 thresholds lie below x). Pass-through columns (``thr`` None) keep ``t`` itself."""
    t = float(num_threshold)
    if bin_thresholds is None or math.isinf(t):
        return t  # +inf: the booster's "split on NaN", every non-missing value goes left
    m = math.floor(t)
    if m < 0:
        return -math.inf
    if m >= len(bin_thresholds):
        return math.inf
    return float(bin_thresholds[m])


def _check_preorder(nodes: np.ndarray, tree_id: int) -> None:
    """Node ids must be a depth-first pre-order, left subtree first (left child = id + 1, right child right after
    the left subtree), as scikit-learn writes them: the SQL macro finds a split's left-subtree leaves as the
    node ids left_child .. right_child - 1."""
    n = len(nodes)
    size = np.ones(n, dtype=np.int64)
    for i in range(n - 1, -1, -1):  # children have larger ids than their parent in any pre-order
        if not nodes["is_leaf"][i]:
            left, right = int(nodes["left"][i]), int(nodes["right"][i])
            if not (left == i + 1 and i < right < n and right == left + size[left]):
                raise ValueError(f"tree {tree_id}: node ids are not in depth-first pre-order at node {i}")
            size[i] = 1 + size[left] + size[right]
    if size[0] != n:
        raise ValueError(f"tree {tree_id}: {n} nodes but the root's subtree has {size[0]}")


def _raw_thresholds(thresholds: np.ndarray, transform: str) -> np.ndarray:
    """For each transformed threshold T, the largest raw float64 r with transform(r) <= T, found by bisection
    over the ordered bit patterns of the non-negative doubles (log1p is nondecreasing and constant 0 on x <= 0),
    so that ``raw <= r  <=>  transform(raw) <= T`` with numpy's own transform, bit for bit."""
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if transform == "none":
        return thresholds.copy()
    if transform != "log1p":
        raise ValueError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")
    out = thresholds.copy()  # +inf stays +inf
    out[thresholds < 0] = -np.inf  # transform >= 0 everywhere: nothing goes left
    todo = np.isfinite(thresholds) & (thresholds >= 0)
    if todo.any():
        target = thresholds[todo]
        lo = np.zeros(len(target), dtype=np.int64)  # bits of 0.0: transform(0) = 0 <= T
        hi = np.full(len(target), np.array(np.inf).view(np.int64))  # transform(inf) = inf > T
        while (hi - lo > 1).any():
            mid = lo + (hi - lo) // 2
            ok = apply_transform(mid.view(np.float64), transform) <= target
            lo = np.where(ok, mid, lo)
            hi = np.where(ok, hi, mid)
        raw = lo.view(np.float64)
        after = np.nextafter(raw, np.inf)
        if not ((apply_transform(raw, transform) <= target).all() and (apply_transform(after, transform) > target).all()):
            raise AssertionError("raw threshold search failed: the transform is not monotone here")
        out[todo] = raw
    return out


def tree_nodes_table(pipeline: Pipeline, feature_names: Sequence[str],
                     transforms: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every node of every tree of a fitted impute -> [bin ->] HistGradientBoostingClassifier pipeline.

    Thresholds are in the space of the imputed, transformed value ``x'`` (see the module docstring);
    ``transforms`` (feature -> 'log1p' / 'none') records what was applied to the raw columns before the pipeline.
    """
    transforms = dict(transforms or {})
    feature_names = list(feature_names)
    imputer, model = pipeline.named_steps["impute"], pipeline.named_steps["model"]
    binner = pipeline.named_steps.get("bin")
    if len(pipeline.steps) != (3 if binner is not None else 2):
        raise ValueError(f"expected impute -> [bin ->] model, got steps {[s for s, _ in pipeline.steps]}")
    if getattr(model, "_preprocessor", None) is not None:
        raise ValueError("categorical features are not supported")
    if getattr(model, "n_trees_per_iteration_", 1) != 1 or len(getattr(model, "classes_", [0, 1])) != 2:
        raise ValueError("only binary classifiers are supported")
    impute = np.asarray(imputer.statistics_, dtype=np.float64)
    if len(impute) != len(feature_names) or model.n_features_in_ != len(feature_names):
        raise ValueError(f"model has {model.n_features_in_} features for {len(feature_names)} names")
    bins = list(binner.thresholds_) if binner is not None else [None] * len(feature_names)
    names = np.array(feature_names, dtype=object)
    feature_transforms = []
    for f in feature_names:
        t = transforms.get(f, "none")
        if t not in TRANSFORMS:
            raise ValueError(f"feature column {f!r}: unknown transform {t!r}; expected one of {TRANSFORMS}")
        feature_transforms.append(t)
    baseline = float(np.asarray(model._baseline_prediction, dtype=np.float64).ravel()[0])

    frames = []
    for tree_id, predictors in enumerate(model._predictors):
        nodes = predictors[0].nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        _check_preorder(nodes, tree_id)
        n = len(nodes)
        leaf = nodes["is_leaf"].astype(bool)
        split = ~leaf
        fidx = nodes["feature_idx"].astype(np.int64)
        threshold = np.full(n, np.nan)
        for i in np.flatnonzero(split):
            threshold[i] = _binned_to_value_threshold(nodes["num_threshold"][i], bins[fidx[i]])
        frames.append(pd.DataFrame({
            "tree_id": np.full(n, tree_id, dtype=np.int64),
            "node_id": np.arange(n, dtype=np.int64),
            "depth": nodes["depth"].astype(np.int64),
            "is_leaf": leaf,
            "feature_name": np.where(split, names[np.where(split, fidx, 0)], None),
            "feature_position": _masked(fidx + 1, split, "Int64"),
            "transform": np.where(split, np.array(feature_transforms, dtype=object)[np.where(split, fidx, 0)], None),
            "impute_value": np.where(split, impute[np.where(split, fidx, 0)], np.nan),
            "threshold": threshold,
            "missing_go_to_left": _masked(nodes["missing_go_to_left"].astype(bool), split, "boolean"),
            "left_child": _masked(nodes["left"].astype(np.int64), split, "Int64"),
            "right_child": _masked(nodes["right"].astype(np.int64), split, "Int64"),
            "leaf_value": np.where(leaf, nodes["value"].astype(np.float64), np.nan),
        }))
    if not frames:
        return empty_tree_nodes_table()
    out = pd.concat(frames, ignore_index=True)
    out["baseline"] = baseline
    out["link"] = LINK
    split = ~out["is_leaf"].to_numpy()
    raw = np.full(len(out), np.nan)
    for t in set(feature_transforms):
        sel = split & (out["transform"].to_numpy() == t)
        raw[sel] = _raw_thresholds(out["threshold"].to_numpy()[sel], t)
    out["raw_threshold"] = raw
    null_left = out["impute_value"].to_numpy() <= out["threshold"].to_numpy()
    out["null_goes_left"] = _masked(null_left, split, "boolean")
    return out[TREE_NODE_COLUMNS].astype(_DTYPES)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), written as exp(z) / (1 + exp(z)) for z < 0 so exp never overflows."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def predict_proba_from_tree_nodes(nodes: pd.DataFrame, rows: pd.DataFrame | Mapping[str, Sequence[float]],
                                  thresholds: str = "transformed") -> np.ndarray:
    """Pure-numpy scoring from the node table (the reference for the SQL macro).

    ``rows`` maps each feature_name to its raw values (a DataFrame or a dict of columns). With
    ``thresholds='transformed'`` (default) the table's transform is applied, nulls/NaN are imputed and
    ``threshold`` decides; with ``'raw'`` the raw value is compared with ``raw_threshold`` and nulls follow
    ``null_goes_left`` (what the SQL macro does). Both give the pipeline's ``predict_proba[:, 1]``.
    """
    if thresholds not in ("transformed", "raw"):
        raise ValueError(f"thresholds must be 'transformed' or 'raw', got {thresholds!r}")
    if len(nodes) == 0:
        raise ValueError("the node table is empty")
    baselines = pd.unique(nodes["baseline"])
    links = pd.unique(nodes["link"])
    if len(baselines) != 1 or len(links) != 1 or links[0] != LINK:
        raise ValueError(f"node table needs one baseline and link {LINK!r}, got {list(baselines)} / {list(links)}")
    splits = nodes[~nodes["is_leaf"].astype(bool)]
    features = splits[["feature_position", "feature_name", "transform", "impute_value"]].drop_duplicates()
    if features["feature_position"].duplicated().any():
        raise ValueError("node table: a feature_position with different names, transforms or impute values")

    values: dict[int, np.ndarray] = {}
    for rec in features.itertuples(index=False):
        if rec.feature_name not in rows:
            raise ValueError(f"feature column {rec.feature_name!r} not found in the rows to score")
        if thresholds == "raw":
            x = apply_transform(rows[rec.feature_name], "none")
        else:
            x = apply_transform(rows[rec.feature_name], rec.transform or "none")
            x = np.where(np.isnan(x), float(rec.impute_value), x)
        values[int(rec.feature_position)] = x
    if values:
        n = len(next(iter(values.values())))
    elif isinstance(rows, pd.DataFrame):
        n = len(rows)
    else:
        n = len(next(iter(rows.values()))) if len(rows) else 0

    table = nodes.sort_values(["tree_id", "node_id"], kind="stable")
    tree_ids = table["tree_id"].to_numpy(dtype=np.int64)
    node_ids = table["node_id"].to_numpy(dtype=np.int64)
    leaf = table["is_leaf"].to_numpy(dtype=bool)
    pos = table["feature_position"].fillna(0).to_numpy(dtype=np.int64)
    thr = table["raw_threshold" if thresholds == "raw" else "threshold"].to_numpy(dtype=np.float64, na_value=np.nan)
    nan_left = table["null_goes_left" if thresholds == "raw" else "missing_go_to_left"].fillna(False).to_numpy(dtype=bool)
    left = table["left_child"].fillna(0).to_numpy(dtype=np.int64)
    right = table["right_child"].fillna(0).to_numpy(dtype=np.int64)
    leaf_value = table["leaf_value"].to_numpy(dtype=np.float64, na_value=np.nan)
    depth = table["depth"].to_numpy(dtype=np.int64)
    x_matrix = np.column_stack([values.get(p, np.full(n, np.nan)) for p in range(int(pos.max()) + 1)])

    raw_score = np.full(n, float(baselines[0]), dtype=np.float64)
    rows_idx = np.arange(n)
    starts = np.flatnonzero(np.r_[True, tree_ids[1:] != tree_ids[:-1]])
    for start, stop in zip(starts, [*starts[1:], len(tree_ids)]):
        if not np.array_equal(node_ids[start:stop], np.arange(stop - start)):
            raise ValueError(f"tree {tree_ids[start]}: node ids must be 0..n-1")
        cur = np.zeros(n, dtype=np.int64)  # node ids within the tree; table row = start + id
        for _ in range(int(depth[start:stop].max()) + 1):
            at = start + cur
            active = ~leaf[at]
            if not active.any():
                break
            a = at[active]
            x = x_matrix[rows_idx[active], pos[a]]
            go_left = np.where(np.isnan(x), nan_left[a], x <= thr[a])  # sum in tree order, as scikit-learn does
            cur[active] = np.where(go_left, left[a], right[a])
        if not leaf[start + cur].all():
            raise ValueError(f"tree {tree_ids[start]}: a walk did not end on a leaf (depth column inconsistent)")
        raw_score = raw_score + leaf_value[start + cur]
    return _sigmoid(raw_score)
