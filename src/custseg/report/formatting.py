"""How the report writes numbers and names for people: percentages, money, counts, and feature names in words.

One place for each rule, so the cards, the tables and the charts' tooltips say the same thing the same way.
"""

from __future__ import annotations

import math

import pandas as pd

# The source currency of the data sets whose currency is known (amounts are never converted).
CURRENCY_BY_DATASET = {"online_retail": "£"}

# Feature names in words, and the kind of value (money, days, share, count) that decides how a value is written.
FEATURES: dict[str, tuple[str, str]] = {
    "recency_days": ("days since the last order", "days"),
    "frequency": ("orders", "number"),
    "frequency_repeat": ("repeat orders", "number"),
    "monetary": ("net spend", "money"),
    "average_order_value": ("average order value", "money"),
    "tenure_days": ("days as a customer", "days"),
    "income": ("household income", "money"),
    "age": ("age", "number"),
    "children": ("children at home", "number"),
    "household_size": ("household size", "number"),
    "channel_share_web": ("share of orders on the web", "share"),
    "channel_share_store": ("share of orders in store", "share"),
    "channel_share_catalog": ("share of orders by catalogue", "share"),
    "deals_share": ("share of purchases on a deal", "share"),
    "previous_response_rate": ("response rate to earlier campaigns", "share"),
    "campaigns_accepted": ("earlier campaigns accepted", "number"),
    "teens": ("teenagers at home", "number"),
    "total_spend": ("total spend", "money"),
    "web_visits": ("web visits a month", "number"),
    "is_partnered": ("share living with a partner", "share"),
}


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def pct(value: object, digits: int = 1) -> str:
    """0.3305 -> '33.1 %'; small shares keep a significant digit (0.0034 -> '0.34 %')."""
    if is_missing(value):
        return "–"
    value = float(value) * 100
    if 0 < abs(value) < 1:
        return f"{value:.2f} %"
    return f"{value:,.{digits}f} %"


def count(value: object) -> str:
    """A whole number with thousands separators; a fractional count (a mean of counts) is rounded."""
    return "–" if is_missing(value) else f"{round(float(value)):,}"


def money(value: object, currency: str = "") -> str:
    """12758870.4 -> '12.76 M'; 7545.2 -> '7,545'; 8.42 -> '8.42' (with the currency sign when it is known)."""
    if is_missing(value):
        return "–"
    value = float(value)
    if abs(value) >= 1e6:
        text = f"{value / 1e6:,.2f} M"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}"
    return f"{currency}{text}" if currency else text


def number(value: object, digits: int = 2) -> str:
    if is_missing(value):
        return "–"
    value = float(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:,.{digits}f}"


def mean_with_spread(mean: object, spread: object, whole: bool = False) -> str:
    """A cross-validated value and its spread over the folds: '0.915 ± 0.003', or '971 ± 13' for counts."""
    if is_missing(mean):
        return "–"
    if whole:
        return f"{round(float(mean)):,} ± {round(float(spread)):,}" if not is_missing(spread) else count(mean)
    return f"{float(mean):.3f} ± {float(spread):.3f}" if not is_missing(spread) else f"{float(mean):.3f}"


def feature_label(feature: str) -> str:
    if feature in FEATURES:
        return FEATURES[feature][0]
    for prefix, words in (("spend_share_", "share of spend on "), ("spend_", "spend on "),
                          ("channel_share_", "share of orders by ")):
        if feature.startswith(prefix):
            return words + feature.removeprefix(prefix).replace("_", " ")
    return feature.replace("_", " ")


def feature_kind(feature: str) -> str:
    if feature in FEATURES:
        return FEATURES[feature][1]
    if "share" in feature or feature.endswith("_rate"):
        return "share"
    if feature.startswith("spend_") or feature.endswith("_spend") or "income" in feature or "amount" in feature:
        return "money"
    if feature.endswith("_days"):
        return "days"
    return "number"


def feature_value(feature: str, value: object, currency: str = "") -> str:
    kind = feature_kind(feature)
    if kind == "share":
        return pct(value, 0)
    if kind == "money":
        return money(value, currency)
    if kind == "days":
        return "–" if is_missing(value) else f"{float(value):,.0f} days"
    return number(value, 1)
