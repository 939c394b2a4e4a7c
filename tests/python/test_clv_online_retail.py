"""Predicted CLV on UCI Online Retail, validated on the issue's time split, and checked against lifetimes.

The full online_retail build (its data tests included, among them SQL == scipy for every customer of
customer_clv) splits at its as-of date (2011-12-10) minus the default holdout of 183 days: the calibration
period is every order up to 2011-06-09, the holdout 2011-06-10 to 2011-12-09. The checks of the issue: the
per-customer correlation of predicted and actual holdout purchases >= 0.7, and the total predicted within 15 % of
the actual. The independent side recomputes the calibration summary with lifetimes' own
summary_data_from_transaction_data (its calibration_and_holdout_data fails under pandas 3) and refits with
lifetimes' BetaGeoFitter. Data sets without order lines get the CLV tables with no rows.
"""

from __future__ import annotations

import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

CALIBRATION_AS_OF = pd.Timestamp("2011-06-10")
HOLDOUT_END = pd.Timestamp("2011-12-10")
CLV_TABLES = ("clv_model_parameters", "clv_calibration_parameters", "customer_clv", "clv_holdout_predictions",
              "clv_holdout_validation")


def _read(db, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).df()


@pytest.fixture(scope="module")
def online_retail(full_build):
    return full_build("online_retail")


def test_time_split_meets_the_issue_checks(online_retail):
    validation = _read(online_retail, "select * from clv_holdout_validation order by group_order")
    total = validation.set_index("customer_group").loc["all"]
    assert pd.Timestamp(total["holdout_start_date"]) == CALIBRATION_AS_OF
    assert pd.Timestamp(total["holdout_end_date"]) == HOLDOUT_END and total["holdout_days"] == 183
    assert total["correlation"] >= 0.7
    assert abs(total["relative_error"]) <= 0.15
    # the table's figures are those of its per-customer rows
    rows = _read(online_retail, "select * from clv_holdout_predictions")
    assert total["customers"] == len(rows) == validation.loc[validation["customer_group"] != "all", "customers"].sum()
    assert total["actual_purchases"] == rows["actual_purchases"].sum()
    assert total["predicted_purchases"] == pytest.approx(rows["predicted_purchases"].sum(), rel=1e-12)
    assert total["correlation"] == pytest.approx(np.corrcoef(rows["predicted_purchases"],
                                                             rows["actual_purchases"])[0, 1], rel=1e-9)


@pytest.fixture(scope="module")
def lifetimes_calibration(online_retail):
    """The calibration summary and holdout purchase days from the clean order lines, with lifetimes."""
    from lifetimes.utils import summary_data_from_transaction_data

    purchases = _read(online_retail, "select customer_id, ordered_at, cast(line_amount as double) as line_amount "
                                     "from order_lines where not is_return")
    calibration = purchases[purchases["ordered_at"] < CALIBRATION_AS_OF]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = summary_data_from_transaction_data(
            calibration, "customer_id", "ordered_at", monetary_value_col="line_amount",
            observation_period_end=CALIBRATION_AS_OF, freq="D")
    holdout = purchases[(purchases["ordered_at"] >= CALIBRATION_AS_OF) & (purchases["ordered_at"] < HOLDOUT_END)]
    summary["holdout"] = (holdout.assign(day=holdout["ordered_at"].dt.normalize()).groupby("customer_id")["day"]
                          .nunique().reindex(summary.index).fillna(0))
    return summary.sort_index()


def test_calibration_summary_equals_lifetimes(online_retail, lifetimes_calibration):
    rows = _read(online_retail, "select * from clv_holdout_predictions").set_index("customer_id").sort_index()
    expected = lifetimes_calibration
    assert list(rows.index) == list(expected.index)
    np.testing.assert_array_equal(rows["frequency_repeat"], expected["frequency"])
    np.testing.assert_array_equal(rows["recency_clv"], expected["recency"])
    np.testing.assert_array_equal(rows["t_days"], expected["T"])
    np.testing.assert_array_equal(rows["actual_purchases"], expected["holdout"])


def _lifetimes_bg_nbd(frequency, recency, t):
    """lifetimes' BetaGeoFitter on these columns: its own objective, scaling, start and optimizer call.

    BetaGeoFitter.fit raises ConvergenceError whenever scipy's BFGS ends with status 2 ("precision loss"), which at
    this edge (a -> 0, nobody drops out) happens on some CPUs and not on others, at the same optimum. This runs the
    same minimize call and accepts that status only where the gradient of lifetimes' objective is zero (< 1e-5 in
    every log-parameter), i.e. where the optimizer stopped at the minimum and could not shorten its last step.
    """
    from autograd import value_and_grad
    from lifetimes import BetaGeoFitter
    from lifetimes.utils import _scale_time
    from scipy.optimize import minimize

    frequency, recency, t = (np.asarray(frequency).astype(int), np.asarray(recency, float), np.asarray(t, float))
    scale = _scale_time(t)
    args = (frequency, recency * scale, t * scale, np.ones_like(recency, dtype=int), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = minimize(value_and_grad(BetaGeoFitter._negative_log_likelihood), jac=True, method=None, tol=1e-7,
                       x0=0.1 * np.ones(4), args=args, options={"disp": False})
    assert out.success or (out.status == 2 and np.abs(out.jac).max() < 1e-5), out
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series(np.exp(out.x), index=["r", "alpha", "a", "b"])
    fitter.params_["alpha"] /= scale
    return fitter


def _parameters(db, table) -> dict[str, float]:
    df = _read(db, f"select parameter, value from {table} where model = 'bg_nbd'")
    return dict(zip(df["parameter"], df["value"]))


def test_fits_and_predictions_equal_lifetimes(online_retail, lifetimes_calibration):
    s = lifetimes_calibration
    reference = _lifetimes_bg_nbd(s["frequency"], s["recency"], s["T"])
    fitted = _parameters(online_retail, "clv_calibration_parameters")
    # Nobody drops out: both fits end on the edge a -> 0, where a and b are not identified (only a / (a + b) ~ 0
    # is); r and alpha are.
    for name in ("r", "alpha"):
        assert fitted[name] == pytest.approx(reference.params_[name], rel=1e-5)
    for params in (fitted, reference.params_):
        assert params["a"] / (params["a"] + params["b"]) < 1e-8
    rows = _read(online_retail, "select * from clv_holdout_predictions").set_index("customer_id").sort_index()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lifetimes_fit = reference.conditional_expected_number_of_purchases_up_to_time(
            183, s["frequency"].to_numpy(), s["recency"].to_numpy(float), s["T"].to_numpy(float))
    np.testing.assert_allclose(rows["predicted_purchases"].to_numpy(), lifetimes_fit, rtol=1e-5)
    reference.params_ = pd.Series(fitted)[["r", "alpha", "a", "b"]]  # lifetimes' own formula on the stored model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.conditional_expected_number_of_purchases_up_to_time(
            183, s["frequency"].to_numpy(), s["recency"].to_numpy(float), s["T"].to_numpy(float))
    # lifetimes sums 2F1(r + x, b + x; a + b + x - 1; z) itself, with b ~ 15,000 here, which costs scipy some
    # digits; the Euler form that the SQL sums agrees with scipy within 1e-9 (data test assert_sql_clv_matches_python)
    np.testing.assert_allclose(rows["predicted_purchases"].to_numpy(), theirs, rtol=1e-7)

    rfm = _read(online_retail, "select frequency_repeat, recency_clv, t_days from customer_rfm")
    current = _lifetimes_bg_nbd(rfm["frequency_repeat"], rfm["recency_clv"], rfm["t_days"])
    for name, value in _parameters(online_retail, "clv_model_parameters").items():
        assert value == pytest.approx(current.params_[name], rel=1e-6)


def test_every_customer_has_a_clv(online_retail):
    clv = _read(online_retail, "select c.*, r.customer_id is not null as in_rfm from customer_clv as c "
                               "left join customer_rfm as r using (customer_id)")
    assert len(clv) == _read(online_retail, "select count(*) as n from customer_rfm")["n"].item()
    assert clv["in_rfm"].all() and clv["p_alive"].between(0, 1).all() and (clv["expected_purchases"] > 0).all()
    np.testing.assert_allclose(clv["expected_value"], clv["expected_purchases"] * clv["expected_order_value"])
    assert set(clv["horizon_days"]) == {365} and set(clv["as_of_date"].astype(str)) == {"2011-12-10"}
    profiles = _read(online_retail, "select * from segment_profiles")
    assert profiles["clv_customers"].sum() == len(clv)
    assert profiles["expected_value"].sum() == pytest.approx(clv["expected_value"].sum(), rel=1e-9)
    assert profiles["expected_value_share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("dataset", ["customer_personality", "coil2000"])
def test_without_order_lines_the_clv_tables_are_empty(full_build, dataset):
    db = full_build(dataset)
    for table in CLV_TABLES:
        assert _read(db, f"select count(*) as n from {table}")["n"].item() == 0, table
    assert _read(db, "select sum(clv_customers) as n from segment_profiles")["n"].item() == 0
    columns = _read(db, "describe customer_clv")
    assert list(columns["column_name"]) == ["customer_id", "p_alive", "expected_purchases", "expected_order_value",
                                            "expected_value", "horizon_days", "as_of_date"]
