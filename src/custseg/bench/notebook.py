"""The notebook approach of the public projects, on the generated world.

pandas reads every order line, cleans it with boolean masks and ``drop_duplicates``, and
builds RFM and the other features with ``groupby`` (once at the current as-of date, once at
the target campaign's mailing date for the response training set, as the project does).
scikit-learn then fits the models (:mod:`custseg.bench.notebook_fits`). For the customer
k-means, the notebooks fit every k on every customer and compute the silhouette on every
customer. The population comparison and the response classifier are the project's own fits.
This is what the project is compared with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from custseg.bench.fits import CATEGORIES, CHANNELS, SEEDS_DIR


def _read(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder)


def _features_at(df: pd.DataFrame, as_of: pd.Timestamp, demo: pd.DataFrame) -> pd.DataFrame:
    """RFM, spend and channel shares from the clean lines ordered before ``as_of``, with demographics."""
    df = df[df["invoice_date"] < as_of]
    purchases = df[~df["is_return"]]
    rfm = purchases.groupby("customer_id").agg(
        first_order_at=("invoice_date", "min"), last_order_at=("invoice_date", "max"),
        frequency=("invoice_no", "nunique"), gross=("amount", "sum"))
    returned = df[df["is_return"]].groupby("customer_id")["amount"].sum()
    rfm["monetary"] = rfm["gross"] + returned.reindex(rfm.index).fillna(0)
    rfm["average_order_value"] = rfm["gross"] / rfm["frequency"]
    rfm["recency_days"] = (as_of - rfm["last_order_at"].dt.normalize()).dt.days
    rfm["tenure_days"] = (as_of - rfm["first_order_at"].dt.normalize()).dt.days

    spend = purchases.pivot_table(index="customer_id", columns="category", values="amount", aggfunc="sum",
                                  fill_value=0)
    shares = spend.div(spend.sum(axis=1), axis=0).reindex(columns=list(CATEGORIES), fill_value=0)
    shares.columns = [f"spend_share_{c}" for c in shares.columns]
    orders = purchases.drop_duplicates(["customer_id", "invoice_no"])
    channel = pd.crosstab(orders["customer_id"], orders["channel"])
    channel = channel.div(channel.sum(axis=1), axis=0).reindex(columns=list(CHANNELS), fill_value=0)
    channel.columns = [f"channel_share_{c}" for c in channel.columns]

    demo = demo.assign(age=as_of.year - demo["birth_year"],
                       days_since_signup=(as_of - pd.to_datetime(demo["signed_up_at"])).dt.days)
    return (rfm.join(shares).join(channel)
            .join(demo[["age", "income", "household_size", "children", "education_level", "is_partnered",
                        "days_since_signup"]]).reset_index())


def notebook_features(raw_dir: Path | str, response_campaign: str = "winter_2026"
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(customer features, response training set, population members), computed with pandas only."""
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

    education = pd.read_csv(SEEDS_DIR / "features" / "education_levels.csv")
    marital = pd.read_csv(SEEDS_DIR / "features" / "marital_statuses.csv")
    demo = (customers.merge(population, on="person_id", how="left")
            .assign(marital_status=lambda d: d["marital_status"].str.lower())
            .merge(education[["education", "education_level"]], on="education", how="left")
            .merge(marital[["marital_status", "is_partnered"]], on="marital_status", how="left")
            .set_index("customer_id"))
    demo["is_partnered"] = demo["is_partnered"].astype(float)
    features = _features_at(df, as_of, demo)

    target = responses[responses["campaign_id"] == response_campaign]
    mailed = pd.Timestamp(target["mailed_at"].min()).normalize()
    past = responses[responses["campaign_id"] != response_campaign].groupby("customer_id")["responded"].sum()
    training = _features_at(df, mailed, demo).merge(
        target.groupby("customer_id")["responded"].max().rename("label"), on="customer_id", how="left")
    training["past_campaign_acceptances"] = training["customer_id"].map(past).fillna(0).astype(np.int64)

    members = population.assign(is_customer=population["person_id"].isin(customers["person_id"]),
                                age=as_of.year - population["birth_year"])
    members = members[["person_id", "is_customer", "age", "income", "household_size", "children"]]
    return (features.sort_values("customer_id", ignore_index=True),
            training.sort_values("customer_id", ignore_index=True),
            members.sort_values("person_id", ignore_index=True))
