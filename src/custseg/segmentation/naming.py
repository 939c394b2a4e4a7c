"""Readable segment names derived from the segment profiles.

The rule (deterministic, so names are stable across rebuilds of the same data):

1. For each segment and feature, ``z`` = the mean of the segment's members in the
   scaled space (transformed, imputed, standardized): how many overall standard
   deviations the segment sits above (+) or below (-) the overall mean.
2. Keep the features with ``|z| >= min_abs_z`` (default 0.5) that have a word for that
   direction, strongest first (ties: feature order); keep the top ``max_features`` (3).
3. The strongest kept feature that has a *noun* gives the noun ("big spenders",
   "one-timers", "families"...); the next two kept features give adjectives, placed
   who (age, income, family) -> how much/how often -> channel -> category
   ("Young web-shopping bargain hunters"); an adjective the noun already says is dropped.
   No noun -> "customers"; no kept feature at all -> "Average customers".
4. Names are made unique in segment_id order: the second "X" becomes "X (2)", etc.

The vocabulary knows the usual customer features by name (recency, frequency, monetary,
average order value, age, income, children, household size, tenure, channel shares,
category spend shares); other features get "high <feature>" / "low <feature>" adjectives.
A custom vocabulary maps a feature to ``{"high": (adjective, noun), "low": (adjective, noun)}``
(either entry may be None).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

Words = tuple[str | None, str | None]  # (adjective, noun)

CHANNEL_WORDS = ("web", "online", "store", "catalog", "mobile", "app", "phone", "email")


def _words_for(feature: str) -> dict[str, Words]:
    words = _base_words(feature)
    words.setdefault("order", _adjective_order(feature))
    return words


def _adjective_order(feature: str) -> int:
    """Where a feature's adjective goes in a name: who (age, income, family), then how much,
    then where (channel), then what (category): "Young web bargain hunters"."""
    f = feature.lower()
    if "share" in f or "pct" in f or "ratio" in f:
        return 3 if any(w in f for w in CHANNEL_WORDS) else 4
    if any(w in f for w in ("age", "birth", "income", "children", "kids", "household")):
        return 1
    return 2


def _base_words(feature: str) -> dict[str, Words]:
    f = feature.lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", f) if t]
    if "share" in tokens or "pct" in tokens or "ratio" in tokens:
        subject = [t for t in tokens if t not in ("share", "pct", "ratio", "spend", "revenue", "of", "channel",
                                                  "category", "orders", "order")]
        word = " ".join(subject) or f
        if any(t in CHANNEL_WORDS for t in tokens):
            return {"high": (f"{word}-shopping", f"{word} shoppers"), "low": (None, None)}
        return {"high": (f"{word}-loving", f"{word} lovers"), "low": (None, None)}
    if "recency" in f or "since_last" in f or "days_since" in f:
        return {"high": ("lapsed", None), "low": ("recent", None)}
    if "frequency" in f or tokens in (["orders"], ["n", "orders"], ["order", "count"]):
        return {"high": ("frequent", "loyalists"), "low": ("one-time", "one-timers")}
    if "monetary" in f or tokens in (["revenue"], ["spend"], ["total", "spend"], ["net", "revenue"]):
        return {"high": ("high-spending", "big spenders"), "low": ("low-spending", "light spenders")}
    if "order_value" in f or tokens == ["aov"] or "basket" in f:
        return {"high": ("big-basket", "big-basket buyers"), "low": ("small-basket", "bargain hunters")}
    if "birth_year" in f:
        return {"high": ("young", None), "low": ("senior", "seniors")}
    if tokens and tokens[0] == "age" or f == "age_years":
        return {"high": ("senior", "seniors"), "low": ("young", None)}
    if "income" in f:
        return {"high": ("affluent", None), "low": ("low-income", None)}
    if "children" in f or "kids" in f or "household" in f:
        return {"high": ("family", "families"), "low": ("single", None)}
    if "tenure" in f:
        return {"high": ("long-standing", "veterans"), "low": ("new", "newcomers")}
    # Column prefixes say where a feature comes from (hh_: CoIL household code), not what it means.
    label = re.sub(r"^(hh|log1p)_", "", feature).replace("_", " ")
    return {"high": (f"high {label}", None), "low": (f"low {label}", None)}


def feature_words(features: Sequence[str], vocabulary: Mapping[str, Mapping[str, Words]] | None = None
                  ) -> dict[str, dict[str, Words]]:
    """The (adjective, noun) words of each feature in each direction."""
    vocabulary = vocabulary or {}
    out = {}
    for f in features:
        words = _words_for(f)
        words.update({d: (tuple(w) if d in ("high", "low") else w) for d, w in vocabulary.get(f, {}).items()})
        out[f] = words
    return out


def describe_segment(z: Sequence[float], features: Sequence[str], words: Mapping[str, Mapping[str, Words]],
                     min_abs_z: float = 0.5, max_features: int = 3) -> str:
    """The name of one segment from its z-scores (see the module docstring for the rule)."""
    z = np.asarray(z, dtype="float64")
    order = sorted(range(len(features)), key=lambda j: (-round(abs(float(z[j])), 9), j))
    kept = []
    for j in order:
        if not np.isfinite(z[j]) or abs(z[j]) < min_abs_z:
            break
        adj, noun = words[features[j]]["high" if z[j] > 0 else "low"]
        if adj is None and noun is None:
            continue
        kept.append((adj, noun, words[features[j]].get("order", 2)))
        if len(kept) == max_features:
            break
    if not kept:
        return "Average customers"
    noun_at = next((i for i, (_, n, _) in enumerate(kept) if n), None)
    noun = kept[noun_at][1] if noun_at is not None else "customers"
    adjectives = [(o, a) for i, (a, _, o) in enumerate(kept) if i != noun_at and a][:2]
    # an adjective the noun already says adds nothing ("family families", "senior seniors")
    adjectives = [a for _, a in sorted(adjectives, key=lambda t: t[0])
                  if not any(w[:4] == a[:4] for w in noun.split())]
    name = " ".join([*adjectives, noun])
    return name[0].upper() + name[1:]


def unique_names(names: Sequence[str]) -> list[str]:
    """Make names unique in order: repeats get " (2)", " (3)", ..."""
    seen: dict[str, int] = {}
    out = []
    taken = set(names)
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        if seen[n] == 1:
            out.append(n)
            continue
        i = seen[n]
        while f"{n} ({i})" in taken:
            i += 1
        out.append(f"{n} ({i})")
        taken.add(out[-1])
    return out


def name_segments(z_means: np.ndarray, features: Sequence[str],
                  vocabulary: Mapping[str, Mapping[str, Words]] | None = None,
                  min_abs_z: float = 0.5, max_features: int = 3) -> list[str]:
    """Names for the rows of ``z_means`` (segment x feature, rows in segment_id order)."""
    words = feature_words(features, vocabulary)
    return unique_names([describe_segment(row, features, words, min_abs_z, max_features)
                         for row in np.atleast_2d(z_means)])
