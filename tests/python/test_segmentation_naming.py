"""Readable segment names: words from z-scores, unique, stable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.segmentation import fit_segments, name_segments
from custseg.segmentation.naming import unique_names

FEATURES = ["recency_days", "frequency", "monetary", "avg_order_value", "age", "web_share"]


def test_profiles_map_to_readable_names():
    z = np.array([
        [-1.2, 0.3, 1.5, 0.2, 0.1, 0.0],   # recent, big spending
        [1.8, -1.1, -0.4, 0.0, 0.0, 0.0],  # lapsed, one order
        [0.0, 0.1, -0.3, -1.4, -1.6, 1.2],  # young, small baskets, web
        [0.1, -0.1, 0.2, 0.1, 0.0, 0.0],   # nothing stands out
    ])
    assert name_segments(z, FEATURES) == [
        "Recent big spenders", "Lapsed one-timers", "Young web-shopping bargain hunters", "Average customers"]


def test_names_are_unique_with_a_suffix():
    assert unique_names(["A", "B", "A", "A"]) == ["A", "B", "A (2)", "A (3)"]
    assert unique_names(["A", "A (2)", "A"]) == ["A", "A (2)", "A (3)"]
    z = np.array([[0.1, 0, 0, 0, 0, 0], [0, 0.2, 0, 0, 0, 0], [2.0, 0, 0, 0, 0, 0]])
    assert name_segments(z, FEATURES) == ["Average customers", "Average customers (2)", "Lapsed customers"]


def test_unknown_features_and_custom_vocabulary():
    z = np.array([[0.9, -0.7]])
    assert name_segments(z, ["widget_count", "gizmo_score"]) == ["High widget count low gizmo score customers"]
    vocab = {"widget_count": {"high": ("handy", "tinkerers")}}
    assert name_segments(z, ["widget_count", "gizmo_score"], vocab) == ["Low gizmo score tinkerers"]


def test_fitted_names_are_unique_and_stable():
    rng = np.random.default_rng(5)
    centers = np.array([[-1.5, 1.5, 2, 1, 0, 0], [2, -1.5, -1, 0, 1.5, -1], [0, 0, -1, -1.5, -2, 2],
                        [0, 0, 0, 0, 0, 0]])
    x = np.vstack([c + 0.15 * rng.normal(size=(80, 6)) for c in centers])
    df = pd.DataFrame(x, columns=FEATURES).assign(customer_id=[f"C{i:04d}" for i in range(len(x))])
    r1 = fit_segments(df, FEATURES, fixed_k=4, n_init=3)
    r2 = fit_segments(df.iloc[::-1], FEATURES, fixed_k=4, n_init=3)
    names = r1.profiles["segment_name"].tolist()
    assert len(set(names)) == 4
    assert names == r2.profiles["segment_name"].tolist()
    assert r1.segment_names == r2.segment_names
