"""The CLV fits (custseg.clv) against lifetimes 0.11.3 (a test-only dependency) and the published CDNOW figures.

The CDNOW sample that lifetimes ships (2,357 customers, weeks) is the data of Fader, Hardie & Lee (2005), whose
BG/NBD estimates are r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, and of Hardie's Gamma-Gamma note
(p = 6.25, q = 3.74, v = 15.44).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from custseg.clv import bgnbd, gamma_gamma
from custseg.clv.models import CHECK_DTYPES, PARAMETER_SCHEMA, clv_model_parameters, customer_clv_python
from custseg.clv.settings import resolve_settings

lifetimes = pytest.importorskip("lifetimes")  # pinned in requirements/dev.txt: always there under make test


@pytest.fixture(scope="module")
def cdnow():
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    return load_cdnow_summary_data_with_monetary_value()


def _lifetimes_bgnbd(df, penalizer=0.0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lifetimes.BetaGeoFitter(penalizer_coef=penalizer).fit(
            df["frequency"].to_numpy(), df["recency"].to_numpy(float), df["T"].to_numpy(float))


def _no_dropout_world(n=3000, seed=5, r=1.5, alpha=20.0, horizon=200.0):
    """Customers who never drop out: Poisson purchases at rate lambda ~ Gamma(r, alpha), ages up to `horizon`."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    age = rng.uniform(5, horizon, n)
    counts = rng.poisson(lam * age)
    last = np.array([rng.uniform(0, t, k).max() if k else 0.0 for k, t in zip(counts, age)])
    return pd.DataFrame({"frequency": counts, "recency": last, "T": age})


def test_bgnbd_fit_equals_lifetimes_and_the_published_cdnow_estimates(cdnow):
    fit = bgnbd.fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    reference = _lifetimes_bgnbd(cdnow).params_
    assert fit.converged and fit.at_bound == () and fit.customers == len(cdnow)
    for name in bgnbd.PARAMETERS:
        assert fit.params[name] == pytest.approx(reference[name], rel=1e-6)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {k: round(v, 3) for k, v in fit.params.items()} == published


@pytest.mark.parametrize("penalizer", [0.001, 0.1])
def test_bgnbd_penalizer_is_lifetimes_penalizer(cdnow, penalizer):
    fit = bgnbd.fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], penalizer=penalizer)
    reference = _lifetimes_bgnbd(cdnow, penalizer).params_
    unpenalized = bgnbd.fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert fit.params["a"] < unpenalized.params["a"]  # the penalty shrinks
    for name in bgnbd.PARAMETERS:
        assert fit.params[name] == pytest.approx(reference[name], rel=1e-6)


def test_gamma_gamma_fit_equals_lifetimes_and_the_published_estimates(cdnow):
    repeat = cdnow[cdnow["frequency"] > 0]
    fit = gamma_gamma.fit(repeat["frequency"], repeat["monetary_value"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = lifetimes.GammaGammaFitter().fit(repeat["frequency"].to_numpy(float),
                                                     repeat["monetary_value"].to_numpy()).params_
    for name in gamma_gamma.PARAMETERS:
        assert fit.params[name] == pytest.approx(reference[name], rel=1e-6)
    assert {k: round(v, 2) for k, v in fit.params.items()} == {"p": 6.25, "q": 3.74, "v": 15.45}
    mine = gamma_gamma.expected_order_value(fit.params, cdnow["frequency"], cdnow["monetary_value"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = lifetimes.GammaGammaFitter()
        fitter.params_ = pd.Series(fit.params)
        theirs = fitter.conditional_expected_average_profit(cdnow["frequency"], cdnow["monetary_value"])
    np.testing.assert_allclose(mine, theirs, rtol=1e-12)


@pytest.mark.parametrize("model,objective,point,args", [
    ("bg_nbd", bgnbd.objective, [0.3, -1.2, 0.5, 1.1],
     lambda d: (d["frequency"].to_numpy(float), d["recency"].to_numpy() / 40, d["T"].to_numpy() / 40,
                np.ones(len(d)), 0.01)),
    ("gamma_gamma", gamma_gamma.objective, [1.5, 1.0, 2.5],
     lambda d: (d.loc[d["frequency"] > 0, "frequency"].to_numpy(float),
                d.loc[d["frequency"] > 0, "monetary_value"].to_numpy(), 0.01)),
])
def test_analytic_gradient_equals_finite_differences(cdnow, model, objective, point, args):
    point, arguments = np.array(point), args(cdnow)
    _, gradient = objective(point, *arguments)
    step = 1e-6
    numeric = [(objective(point + step * e, *arguments)[0] - objective(point - step * e, *arguments)[0]) / (2 * step)
               for e in np.eye(len(point))]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-8)


def test_predictions_equal_lifetimes(cdnow):
    fit = bgnbd.fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    reference = _lifetimes_bgnbd(cdnow)
    x, t_x, T = cdnow["frequency"].to_numpy(), cdnow["recency"].to_numpy(), cdnow["T"].to_numpy()
    np.testing.assert_allclose(bgnbd.probability_alive(fit.params, x, t_x, T),
                               reference.conditional_probability_alive(x, t_x, T), rtol=1e-9)
    for t in (1, 39, 156):
        np.testing.assert_allclose(bgnbd.expected_purchases(fit.params, t, x, t_x, T),
                                   reference.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T),
                                   rtol=1e-9)


def _exact_expected_purchases(params, t, x, T, digits=60):
    """Equation (10) at the given doubles, every operation in `digits`-digit decimals (the true value)."""
    from decimal import Decimal, localcontext

    with localcontext() as context:
        context.prec = digits
        r, alpha, a, b, t, x, T = (Decimal(float(v)) for v in (*(params[k] for k in bgnbd.PARAMETERS), t, x, T))
        z = t / (alpha + T + t)
        A, B, C = a + b - 1 - r, a - 1, a + b + x - 1
        term = total = Decimal(1)
        k = 0
        while k < 20 or abs(term) > Decimal(10) ** -45:
            term = term * (A + k) * (B + k) / ((C + k) * (k + 1)) * z
            total += term
            k += 1
        return float(C / (a - 1) * (1 - ((1 - z).ln() * (a - 1)).exp() * total))


EDGE_REGIMES = {  # r, alpha, a, b: the CDNOW fit, Online Retail's edge fit, the 10M bench world's fit (a, b -> 0)
    "cdnow": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "edge": {"r": 0.739, "alpha": 61.95, "a": 1.01e-06, "b": 15474.2},
    "pole": {"r": 0.35, "alpha": 40.0, "a": 2e-10, "b": 8e-09},
    "large_a": {"r": 0.5, "alpha": 10.0, "a": 3.5, "b": 1.2},
}


@pytest.mark.parametrize("regime", EDGE_REGIMES)
def test_expected_purchases_equal_an_exact_evaluation(regime):
    """Where the fit lands at a, b -> 0, C = a + b - 1 sits next to the pole at -1 for x = 0: scipy's hyp2f1 (given
    C as one double) is off by ~1e-9 relative there, the series of bgnbd.euler_series_tail is not."""
    from scipy.special import hyp2f1

    params = EDGE_REGIMES[regime]
    x = np.array([0, 0, 1, 2, 5, 40, 0])
    T = np.array([1.0, 100.0, 100.0, 250.0, 400.0, 700.0, 730.0])
    t = 365.0
    t_x = np.where(x > 0, T / 2, 0.0)
    alive = bgnbd.probability_alive(params, x, t_x, T)
    got = bgnbd.expected_purchases(params, t, x, t_x, T) / alive
    exact = np.array([_exact_expected_purchases(params, t, xi, Ti) for xi, Ti in zip(x, T)])
    # 1e-11: where b is large (edge) the bracket 1 - (1-z)^(a-1) F is ~1e-4 of its terms, so ~4 digits of the
    # doubles go (5.8e-12 measured there; 1e-14 elsewhere)
    np.testing.assert_allclose(got, exact, rtol=1e-11)
    r, alpha, a, b = (params[k] for k in bgnbd.PARAMETERS)
    z = t / (alpha + T + t)
    with_scipy = (a + b + x - 1) / (a - 1) * (1 - (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z))
    scipy_error = np.max(np.abs(with_scipy - exact) / exact)
    if regime == "pole":
        assert scipy_error > 1e-10  # why the series is not scipy's: the reason this test exists
    else:
        assert scipy_error < 1e-11


def test_without_dropout_the_fit_reaches_the_edge():
    """Nobody drops out: the likelihood is best at a -> 0, where the objective is flat (lifetimes stops there with
    "did not converge" on some machines and not on others: BFGS's last steps depend on the floating point of the
    CPU). The fit ends on the edge, converged, and predicts what the NBD model without drop-out predicts,
    (r + x) / (alpha + T) * t."""
    world = _no_dropout_world()
    fit = bgnbd.fit(world["frequency"], world["recency"], world["T"])
    assert fit.converged
    r, alpha, a, b = (fit.params[k] for k in bgnbd.PARAMETERS)
    assert a / (a + b) < 1e-3  # drop-out probability per purchase ~ 0
    assert r == pytest.approx(1.5, rel=0.1) and alpha == pytest.approx(20.0, rel=0.1)
    x, t_x, T = (world[c].to_numpy() for c in ("frequency", "recency", "T"))
    nbd = (r + x) / (alpha + T) * 50
    np.testing.assert_allclose(bgnbd.expected_purchases(fit.params, 50, x, t_x, T), nbd, rtol=1e-2)
    assert bgnbd.probability_alive(fit.params, x, t_x, T).min() > 0.99


@pytest.mark.parametrize("bad,message", [
    ({"frequency": [-1], "recency": [0], "T": [1]}, "whole number"),
    ({"frequency": [1], "recency": [5], "T": [3]}, "between 0 and T"),
    ({"frequency": [0], "recency": [2], "T": [3]}, "recency must be 0"),
    ({"frequency": [], "recency": [], "T": []}, "no customers"),
])
def test_bad_summaries_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        bgnbd.fit(bad["frequency"], bad["recency"], bad["T"])


def test_settings_reject_unknown_keys_and_bad_values():
    assert resolve_settings(None)["penalizer"] == 0.0
    assert resolve_settings('{"penalizer": 0.01, "horizon_days": 90}')["penalizer"] == 0.01
    with pytest.raises(ValueError, match="unknown key"):
        resolve_settings({"horizon": 90})
    with pytest.raises(ValueError, match="penalizer"):
        resolve_settings({"penalizer": -1})
    with pytest.raises(ValueError, match="fit_sample_size"):
        resolve_settings({"fit_sample_size": 0})
    with pytest.raises(ValueError, match="time_unit_days"):
        resolve_settings({"time_unit_days": 0})


def _summary(cdnow) -> pd.DataFrame:
    """CDNOW (weeks) as a customer_rfm CLV summary in days, plus customers without order lines (nulls)."""
    df = pd.DataFrame({
        "customer_id": [f"c{i:05d}" for i in range(len(cdnow))],
        "frequency_repeat": cdnow["frequency"].to_numpy(),
        "recency_clv": np.round(cdnow["recency"].to_numpy() * 7),
        "t_days": np.round(cdnow["T"].to_numpy() * 7),
        "monetary_value": cdnow["monetary_value"].to_numpy(),
        "as_of_date": pd.Timestamp("1998-07-01"),
    })
    nulls = pd.DataFrame({"customer_id": ["z1", "z2"], "frequency_repeat": [None, None], "recency_clv": None,
                          "t_days": None, "monetary_value": None, "as_of_date": pd.Timestamp("1998-07-01")})
    return pd.concat([df, nulls], ignore_index=True)


def test_model_parameters_table(cdnow):
    summary = _summary(cdnow)
    table = clv_model_parameters(summary, {"time_unit_days": 7})
    assert table.schema == PARAMETER_SCHEMA
    df = table.to_pandas()
    assert list(zip(df["model"], df["parameter"])) == [("bg_nbd", p) for p in bgnbd.PARAMETERS] + [
        ("gamma_gamma", p) for p in gamma_gamma.PARAMETERS]
    bg = df[df["model"] == "bg_nbd"]
    assert set(bg["customers"]) == {len(cdnow)} and set(bg["customers_available"]) == {len(cdnow)}
    assert df["converged"].all() and not df["is_at_bound"].any()
    assert set(df["as_of_date"].astype(str)) == {"1998-07-01"} and set(df["time_unit_days"]) == {7.0}
    # weeks rounded to whole days: close to the published weekly estimates
    assert dict(zip(bg["parameter"], bg["value"]))["alpha"] == pytest.approx(4.414, rel=0.02)
    # the unit only rescales alpha
    days = clv_model_parameters(summary).to_pandas()
    alpha_days = days.loc[(days["model"] == "bg_nbd") & (days["parameter"] == "alpha"), "value"].item()
    assert alpha_days / 7 == pytest.approx(dict(zip(bg["parameter"], bg["value"]))["alpha"], rel=1e-5)
    assert clv_model_parameters(summary).to_pandas().equals(days)  # deterministic


def test_model_parameters_fit_a_bounded_sample(cdnow):
    df = clv_model_parameters(_summary(cdnow), {"fit_sample_size": 500}).to_pandas()
    bg = df[df["model"] == "bg_nbd"]
    assert set(bg["customers"]) == {500} and set(bg["customers_available"]) == {len(cdnow)}
    again = clv_model_parameters(_summary(cdnow).sample(frac=1, random_state=1), {"fit_sample_size": 500})
    assert again.to_pandas().equals(df)  # the same sample whatever the row order


def test_without_order_lines_the_tables_are_empty(cdnow):
    only_nulls = _summary(cdnow).iloc[-2:]
    assert clv_model_parameters(only_nulls).num_rows == 0
    assert clv_model_parameters(only_nulls).schema == PARAMETER_SCHEMA
    empty_parameters = PARAMETER_SCHEMA.empty_table()
    check = customer_clv_python(_summary(cdnow), empty_parameters,
                                pd.DataFrame({"customer_id": ["c00001"], "horizon_days": [365]}))
    assert len(check) == 0 and dict(check.dtypes.astype(str)) == CHECK_DTYPES


def test_missing_summary_column_is_named(cdnow):
    with pytest.raises(ValueError, match=r"customer_rfm has no column\(s\) \['t_days'\]"):
        clv_model_parameters(_summary(cdnow).drop(columns=["t_days"]))
