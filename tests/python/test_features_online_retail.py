"""customer_rfm on UCI Online Retail equals an independent computation, customer by customer.

The warehouse is built from the raw CSV (``online_retail/online_retail.csv.gz`` under the shared data folder)
into a temporary DuckDB file. The independent side starts again from the raw CSV with pandas and the
documented cleaning rules (customer present, exact duplicates dropped, product stock codes only, price > 0,
quantity not 0, negative quantities only on C invoices), then computes recency, frequency and net
monetary value; the CLV summary columns are compared with ``lifetimes.utils.summary_data_from_transaction_data``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest


pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

RAW_FILE = "online_retail/online_retail.csv.gz"


@pytest.fixture(scope="module")
def warehouse(shared_data, full_build):
    """customer_rfm of the full online_retail build (its tests, contracts and unit tests passed)."""
    if not (shared_data / RAW_FILE).is_file():
        pytest.fail(f"Online Retail file missing: {shared_data / RAW_FILE}")
    db = full_build("online_retail")
    with duckdb.connect(str(db), read_only=True) as con:
        rfm = con.sql("select * from customer_rfm").df()
        purchases = con.sql(
            "select customer_id, ordered_at, cast(line_amount as double) as line_amount "
            "from order_lines where not is_return").df()
    return rfm.set_index("customer_id").sort_index(), purchases


@pytest.fixture(scope="module")
def independent_rfm(shared_data):
    """R, F and M from the raw CSV with pandas only (no SQL, no warehouse)."""
    raw = pd.read_csv(shared_data / RAW_FILE, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    customer = raw["CustomerID"].fillna("").str.strip()
    is_cancellation = raw["InvoiceNo"].str.upper().str.startswith("C")
    is_product = raw["StockCode"].fillna("").str[:1].str.isdigit()
    keep = ((customer != "") & ~raw.duplicated(keep="first") & is_product & (raw["UnitPrice"] > 0)
            & (raw["Quantity"] != 0) & ~((raw["Quantity"] < 0) & ~is_cancellation))
    clean = raw[keep].assign(
        customer_id=customer[keep].str.replace(r"\.0$", "", regex=True),
        amount=raw["Quantity"] * raw["UnitPrice"],
        ordered_at=pd.to_datetime(raw.loc[keep, "InvoiceDate"], format="%Y-%m-%d %H:%M:%S"),
        is_return=is_cancellation[keep],
    )
    as_of = clean["ordered_at"].max().normalize() + pd.Timedelta(days=1)
    purchases = clean[~clean["is_return"]].groupby("customer_id")
    out = pd.DataFrame({
        "frequency": purchases["InvoiceNo"].nunique(),
        "last_order_at": purchases["ordered_at"].max(),
    })
    out["recency_days"] = (as_of - out["last_order_at"].dt.normalize()).dt.days
    out["monetary"] = clean[clean["customer_id"].isin(out.index)].groupby("customer_id")["amount"].sum()
    return out.sort_index(), as_of


def test_one_row_per_customer_with_a_clean_purchase(warehouse, independent_rfm):
    rfm, _ = warehouse
    expected, _ = independent_rfm
    assert rfm.index.is_unique
    assert set(rfm.index) == set(expected.index)
    # The published figure after the usual cleaning is about 4,338 customers.
    assert 4_300 <= len(rfm) <= 4_340


def test_as_of_date_is_the_day_after_the_last_order(warehouse, independent_rfm):
    rfm, _ = warehouse
    _, as_of = independent_rfm
    assert set(pd.to_datetime(rfm["as_of_date"]).unique()) == {as_of}
    assert as_of == pd.Timestamp("2011-12-10")


def test_recency_frequency_monetary_equal_for_every_customer(warehouse, independent_rfm):
    rfm, _ = warehouse
    expected, _ = independent_rfm
    joined = expected.add_suffix("_pandas").join(rfm[["recency_days", "frequency", "monetary"]], how="outer")
    for column in ("recency_days", "frequency"):
        differ = joined[joined[f"{column}_pandas"] != joined[column]]
        assert differ.empty, f"{column} differs for {len(differ)} customers, e.g.\n{differ.head()}"
    np.testing.assert_allclose(joined["monetary"], joined["monetary_pandas"], rtol=0, atol=1e-6)


def test_clv_summary_equals_lifetimes(warehouse):
    from lifetimes import utils as lifetimes_utils  # test-only dependency, pinned in requirements/dev.txt

    rfm, purchases = warehouse
    as_of = pd.Timestamp(pd.to_datetime(rfm["as_of_date"]).iloc[0])
    summary = lifetimes_utils.summary_data_from_transaction_data(
        purchases, "customer_id", "ordered_at", monetary_value_col="line_amount",
        observation_period_end=as_of, freq="D").sort_index()
    assert set(summary.index) == set(rfm.index)
    ours = rfm.loc[summary.index]
    np.testing.assert_array_equal(ours["frequency_repeat"].to_numpy(), summary["frequency"].to_numpy())
    np.testing.assert_array_equal(ours["recency_clv"].to_numpy(), summary["recency"].to_numpy())
    np.testing.assert_array_equal(ours["t_days"].to_numpy(), summary["T"].to_numpy())
    np.testing.assert_allclose(ours["monetary_value"].to_numpy(), summary["monetary_value"].to_numpy(),
                               rtol=1e-9, atol=1e-6)


def test_every_customer_has_scores_and_a_named_segment(warehouse):
    rfm, _ = warehouse
    for column in ("r_score", "f_score", "m_score"):
        assert rfm[column].between(1, 5).all(), column
        # Quintiles: each score holds a fifth of the customers (ntile sizes differ by at most one).
        counts = rfm[column].value_counts()
        assert counts.max() - counts.min() <= 1, (column, counts.to_dict())
    assert rfm["rfm_segment"].notna().all()
    # The most recent customers get r_score 5.
    assert rfm.loc[rfm["r_score"] == 5, "recency_days"].max() <= rfm.loc[rfm["r_score"] == 1, "recency_days"].min()
