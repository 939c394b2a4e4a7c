"""Deciles, gains and campaign targets: pure functions on probabilities."""

import numpy as np
import pandas as pd
import pytest

from custseg.response import assign_deciles, campaign_targets, gains_table
from custseg.response.targets import target_count


def _ids(n):
    return np.array([f"c{i:05d}" for i in range(n)], dtype=object)


@pytest.mark.parametrize("n", [10, 57, 1000, 1003])
def test_deciles_cover_1_to_10_with_near_equal_counts(n):
    rng = np.random.default_rng(n)
    dec = assign_deciles(rng.random(n), _ids(n))
    counts = np.bincount(dec, minlength=11)[1:]
    assert set(dec) == set(range(1, 11))
    assert counts.max() - counts.min() <= 1
    assert counts.sum() == n


def test_decile_1_is_the_highest_and_ties_break_by_customer_id():
    prob = np.array([0.5] * 20)  # all tied
    ids = _ids(20)[::-1].copy()
    dec = assign_deciles(prob, ids)
    # sorted ids c00000, c00001 are decile 1 (they come last in the input)
    assert dec[-1] == 1 and dec[-2] == 1 and dec[0] == 10
    prob = np.linspace(0, 1, 100)
    dec = assign_deciles(prob, _ids(100))
    assert dec[-1] == 1 and dec[0] == 10
    assert (np.diff(dec) <= 0).all()


def test_gains_are_monotone_and_end_at_100_percent():
    rng = np.random.default_rng(0)
    n = 997
    prob = rng.random(n)
    y = (rng.random(n) < prob * 0.3).astype(int)
    g = gains_table(prob, y, _ids(n))
    assert list(g["decile"]) == list(range(1, 11))
    assert g["customers"].sum() == n and g["responders"].sum() == y.sum()
    assert (np.diff(g["cumulative_responders"]) >= 0).all()
    assert (np.diff(g["cumulative_gain"]) >= 0).all()
    assert g["cumulative_gain"].iloc[-1] == pytest.approx(1.0)
    assert g["cumulative_customers_share"].iloc[-1] == pytest.approx(1.0)
    assert g["cumulative_lift"].iloc[-1] == pytest.approx(1.0)
    assert g["lift"].iloc[0] > 1.2  # informative scores put responders on top
    assert g["lift"].iloc[0] == pytest.approx(g["response_rate"].iloc[0] / y.mean())


def _scores(n=1000, labeled_share=0.6):
    rng = np.random.default_rng(3)
    prob = rng.random(n).round(2)  # plenty of ties
    ids = _ids(n)
    return pd.DataFrame({
        "customer_id": ids, "response_probability": prob, "response_decile": assign_deciles(prob, ids),
        "is_labeled": np.arange(n) < int(n * labeled_share),
    })


@pytest.mark.parametrize("top, population, expected", [
    (100, "all", 100), (0.2, "all", 200), (0.2, "unlabeled", 80), (50, "labeled", 50), (5000, "all", 1000),
])
def test_targets_hold_exactly_n_ranked_rows(top, population, expected):
    s = _scores()
    t = campaign_targets(s, top, population)
    assert len(t) == expected
    assert list(t["rank"]) == list(range(1, expected + 1))
    assert t["customer_id"].is_unique
    assert (np.diff(t["response_probability"]) <= 0).all()
    if population == "unlabeled":
        assert set(t["customer_id"]) <= set(s.loc[~s["is_labeled"], "customer_id"])
    # ties inside equal probabilities are ordered by customer_id
    for _, grp in t.groupby("response_probability"):
        assert list(grp["customer_id"]) == sorted(grp["customer_id"])
    # nobody outside the list scores higher than the last one in it
    pool = s if population == "all" else s[s["is_labeled"] == (population == "labeled")]
    rest = pool[~pool["customer_id"].isin(t["customer_id"])]
    if len(rest):
        assert rest["response_probability"].max() <= t["response_probability"].min()


def test_coil_share_of_4000_is_800_and_explicit_id_population():
    assert target_count(0.2, 4000) == 800
    assert target_count(800, 4000) == 800
    s = _scores()
    t = campaign_targets(s, 3, population=["c00010", "c00020", "c00030", "c00040"])
    assert len(t) == 3 and set(t["customer_id"]) <= {"c00010", "c00020", "c00030", "c00040"}


@pytest.mark.parametrize("top", [-1, 1.5, 0.0, True, "10"])
def test_bad_top_is_rejected(top):
    with pytest.raises(ValueError, match="top"):
        campaign_targets(_scores(), top)
