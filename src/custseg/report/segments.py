"""Segments in words: labels used everywhere in the report, what sets each segment apart, and a suggested action.

The rules here are simple and stated, so a marketer can see why a segment got its action; they read only
``segment_profiles`` (sizes, revenue share, response rate and the mean of each feature).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg.report import formatting as fmt

MIN_DISTINCTIVE_Z = 0.3  # a feature sets a segment apart when its mean is this many sd from all customers'


def segment_label(segment_id: object, name: object) -> str:
    """A customer segment, the same way in every section: 'Segment 1 · Affluent …'."""
    return f"Segment {int(segment_id)} · {name}"


def population_label(segment_id: object, name: object) -> str:
    """A segment of the general population's own k-means: never confusable with a customer segment."""
    return f"Population segment P{int(segment_id)} · {name}"


# Columns of segment_profiles named mean_* that are not a segmentation feature's mean (mean_<feature>): the score and
# the predicted value, shown in their own sections.
NOT_FEATURE_MEANS = frozenset({"mean_response_score", "mean_p_alive", "mean_expected_value"})


def feature_columns(profiles: pd.DataFrame) -> list[str]:
    return [c for c in profiles.columns if c.startswith("mean_") and c not in NOT_FEATURE_MEANS
            and profiles[c].notna().any()]


def feature_zscores(profiles: pd.DataFrame, spread: pd.Series | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """How far each segment's mean of each feature is from the mean over all customers, in standard deviations,
    and that overall mean. ``spread`` is each feature's standard deviation over customers (keyed by feature
    name, as in ``customer_features``); a feature without one is scaled by the spread of the segment means."""
    columns = feature_columns(profiles)
    values = profiles[columns].astype(float)
    weights = profiles["customers"].astype(float)
    overall = values.mul(weights, axis=0).sum() / values.notna().mul(weights, axis=0).sum()
    scale = values.std(ddof=0)
    if spread is not None:
        by_column = pd.Series({c: spread.get(c.removeprefix("mean_"), np.nan) for c in columns}, dtype=float)
        scale = by_column.where(by_column > 0, scale)
    return (values - overall).div(scale.replace(0, np.nan)).fillna(0.0), overall


def overall_response_rate(profiles: pd.DataFrame) -> float:
    if not {"responders", "labeled_customers"} <= set(profiles.columns):
        return float("nan")
    labeled = profiles["labeled_customers"].astype(float).fillna(0).sum()
    return float(profiles["responders"].astype(float).fillna(0).sum() / labeled) if labeled else float("nan")


@dataclass(frozen=True)
class SegmentCard:
    segment_id: int
    label: str
    name: str
    customers: str
    share: str
    revenue_share: str
    response_rate: str
    traits: list[str]
    action: str
    is_best: bool


def distinctive_traits(profiles: pd.DataFrame, currency: str, spread: pd.Series | None = None,
                       limit: int = 3) -> list[list[str]]:
    z, overall = feature_zscores(profiles, spread)
    traits = []
    for i in range(len(profiles)):
        row = z.iloc[i]
        picked = row.abs().sort_values(ascending=False, kind="mergesort")
        words = []
        for column in picked.index[:limit]:
            if abs(row[column]) < MIN_DISTINCTIVE_Z:
                break
            feature = column.removeprefix("mean_")
            arrow = "▲ higher" if row[column] > 0 else "▼ lower"
            words.append(f"{arrow} {fmt.feature_label(feature)}: "
                         f"{fmt.feature_value(feature, profiles[column].iloc[i], currency)} "
                         f"(all customers: {fmt.feature_value(feature, overall[column], currency)})")
        traits.append(words or ["close to the average customer on every feature"])
    return traits


def suggested_action(row: pd.Series, z: pd.Series, best_revenue_share: float, overall_rate: float) -> str:
    rate = row.get("response_rate")
    has_rate = rate is not None and not fmt.is_missing(rate) and not np.isnan(overall_rate)
    responds_well = has_rate and rate >= 1.3 * overall_rate
    lapsed = z.get("mean_recency_days", 0.0) >= 1.0
    revenue_share, share = float(row.get("revenue_share", np.nan)), float(row["share"])
    if revenue_share == best_revenue_share:
        return ("Keep and grow: your most valuable customers. Mail them first, reward loyalty and show premium "
                "ranges; they do not need discounts.")
    if responds_well:
        return "Mail early: they answer campaigns well above the average rate; include them in every mailing."
    if lapsed:
        return ("Win back: it is long since their last order. Send a reactivation offer on a cheap channel "
                "(e-mail) before they lapse for good.")
    if not np.isnan(revenue_share) and revenue_share < 0.5 * share:
        return ("Grow order value: they spend far below their share of customers. Cross-sell bundles and "
                "thresholds for free delivery, on low-cost channels.")
    return "Develop: keep them in regular campaigns, and test new offers on a small share of them first."


def segment_cards(profiles: pd.DataFrame, currency: str, spread: pd.Series | None = None) -> list[SegmentCard]:
    data = profiles.sort_values("segment_id").reset_index(drop=True)
    z, _ = feature_zscores(data, spread)
    traits = distinctive_traits(data, currency, spread)
    best = float(data["revenue_share"].max()) if "revenue_share" in data else np.nan
    rate = overall_response_rate(data)
    cards = []
    for i, row in data.iterrows():
        cards.append(SegmentCard(
            segment_id=int(row["segment_id"]), label=segment_label(row["segment_id"], row["segment_name"]),
            name=str(row["segment_name"]), customers=fmt.count(row["customers"]), share=fmt.pct(row["share"]),
            revenue_share=fmt.pct(row.get("revenue_share")), response_rate=fmt.pct(row.get("response_rate")),
            traits=traits[i], action=suggested_action(row, z.iloc[i], best, rate),
            is_best=bool(row.get("revenue_share") == best)))
    return cards


def profile_long(profiles: pd.DataFrame, currency: str, spread: pd.Series | None = None) -> pd.DataFrame:
    """The heatmap's rows: segment × feature with the z-score, the mean in words and the overall mean."""
    data = profiles.sort_values("segment_id").reset_index(drop=True)
    z, overall = feature_zscores(data, spread)
    rows = []
    for i, row in data.iterrows():
        for column in z.columns:
            feature = column.removeprefix("mean_")
            rows.append({"segment_label": segment_label(row["segment_id"], row["segment_name"]),
                         "feature": fmt.feature_label(feature), "z": round(float(z.iloc[i][column]), 6),
                         "value_text": fmt.feature_value(feature, row[column], currency),
                         "overall_text": fmt.feature_value(feature, overall[column], currency)})
    return pd.DataFrame(rows)
