"""The notebook approach of the public projects, on the generated world.

pandas reads every order line, cleans it with boolean masks and ``drop_duplicates``, and
builds RFM and the other features with ``groupby``; scikit-learn then does the same fits as
the project (see :mod:`custseg.bench.fits`). This is what the project is compared with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from custseg.bench.fits import CHANNELS, CATEGORIES


def _read(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder)


def notebook_features(raw_dir: Path | str, response_campaign: str = "winter_2026") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customer features and the response training set, computed with pandas only."""
    raw = Path(raw_dir)
    lines = _read(raw / "order_lines")
    customers = _read(raw / "customers")
    population = _read(raw / "population")
    responses = _read(raw / "campaign_responses")

    # Cleaning, one mask per rule, as in the notebooks.
    df = lines.dropna(subset=["customer_id"])
    df = df.drop_duplicates()
    df = df[df["stock_code"].str[0].str.isdigit()]
    df = df[df["unit_price"] > 0]
    df = df[df["quantity"] != 0]
    is_return = df["invoice_no"].str.startswith("C")
    df = df[(df["quantity"] > 0) | is_return]
    df = df.assign(amount=(df["quantity"] * df["unit_price"]).round(4), is_return=is_return[df.index])
    as_of = df["invoice_date"].max().normalize() + pd.Timedelta(days=1)

    purchases = df[~df["is_return"]]
    rfm = purchases.groupby("customer_id").agg(
        first_order_at=("invoice_date", "min"), last_order_at=("invoice_date", "max"),
        frequency=("invoice_no", "nunique"), gross=("amount", "sum"))
    returned = df[df["is_return"]].groupby("customer_id")["amount"].sum()
    rfm["monetary"] = rfm["gross"] + returned.reindex(rfm.index).fillna(0)
    rfm["average_order_value"] = rfm["gross"] / rfm["frequency"]
    rfm["recency_days"] = (as_of.normalize() - rfm["last_order_at"].dt.normalize()).dt.days
    rfm["tenure_days"] = (as_of.normalize() - rfm["first_order_at"].dt.normalize()).dt.days

    spend = purchases.pivot_table(index="customer_id", columns="category", values="amount", aggfunc="sum",
                                  fill_value=0)
    shares = spend.div(spend.sum(axis=1), axis=0).reindex(columns=list(CATEGORIES), fill_value=0)
    shares.columns = [f"spend_share_{c}" for c in shares.columns]
    orders = purchases.drop_duplicates(["customer_id", "invoice_no"])
    channel = pd.crosstab(orders["customer_id"], orders["channel"])
    channel = channel.div(channel.sum(axis=1), axis=0).reindex(columns=list(CHANNELS), fill_value=0)
    channel.columns = [f"channel_share_{c}" for c in channel.columns]

    demo = customers.merge(population, on="person_id", how="left").set_index("customer_id")
    demo["age"] = as_of.year - demo["birth_year"]
    features = (rfm.join(shares).join(channel)
                .join(demo[["age", "income", "household_size", "children"]]).reset_index())

    target = responses[responses["campaign_id"] == response_campaign][["customer_id", "responded"]]
    past = responses[responses["campaign_id"] != response_campaign].groupby("customer_id")["responded"].sum()
    training = features.merge(target, on="customer_id", how="inner").rename(columns={"responded": "label"})
    training["past_campaign_acceptances"] = training["customer_id"].map(past).fillna(0).astype(np.int64)
    return features.sort_values("customer_id", ignore_index=True), training.sort_values("customer_id",
                                                                                       ignore_index=True)
