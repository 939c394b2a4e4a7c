"""Product check on the generated sample: k-means finds the planted segments (ARI >= 0.95).

The customer features are computed here with a test-only DuckDB query (a prototype of
the warehouse's ``customer_features``), so the library can be checked without dbt.
Cleaning follows the raw export's dirt: guest lines (no customer id), postage lines,
zero prices and exact duplicates are dropped; cancellations (``C`` invoices) count in
net revenue but not as orders.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from custseg.generate import WorldSpec, generate_world
from custseg.segmentation import assign_from_centroids, fit_segments

FEATURES = ["recency_days", "frequency", "monetary", "avg_order_value", "age", "income", "household_size",
            "children", "web_share", "store_share", "catalog_share"]
LOG1P = {f: "log1p" for f in ("recency_days", "frequency", "monetary", "avg_order_value")}
CATEGORIES = ("wine", "meat", "fish", "fruit", "sweets", "gold")


def customer_features(root) -> pd.DataFrame:
    share = ", ".join(
        f"sum(case when category = '{c}' and quantity > 0 then quantity * unit_price else 0 end)"
        f" / nullif(sum(case when quantity > 0 then quantity * unit_price end), 0) as spend_share_{c}"
        for c in CATEGORIES)
    sql = f"""
    with raw as (select distinct * from read_parquet('{root}/order_lines/*.parquet')),
    lines as (select * from raw where customer_id is not null and stock_code <> 'POST' and unit_price > 0),
    ref as (select max(invoice_date) as ref_date from lines),
    orders as (
      select customer_id, invoice_no, min(invoice_date) as ts, any_value(channel) as channel,
             sum(quantity * unit_price) as amount
      from lines where not starts_with(invoice_no, 'C') group by customer_id, invoice_no),
    behaviour as (
      select customer_id, date_diff('day', max(ts), (select ref_date from ref)) as recency_days,
             count(distinct invoice_no) as frequency, avg(amount) as avg_order_value,
             avg(case when channel = 'web' then 1.0 else 0 end) as web_share,
             avg(case when channel = 'store' then 1.0 else 0 end) as store_share,
             avg(case when channel = 'catalog' then 1.0 else 0 end) as catalog_share
      from orders group by customer_id),
    money as (select customer_id, sum(quantity * unit_price) as monetary, {share}
              from lines group by customer_id),
    demo as (
      select c.customer_id, 2026 - p.birth_year as age, p.income, p.household_size, p.children
      from read_parquet('{root}/customers/*.parquet') c
      join read_parquet('{root}/population/*.parquet') p using (person_id))
    select * from demo left join behaviour using (customer_id) left join money using (customer_id)
    order by customer_id
    """
    return duckdb.connect().sql(sql).df()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("seg_sample")
    generate_world(WorldSpec(customers=5000, seed=42), root, progress=False)
    return customer_features(root), pd.read_csv(root / "segments_truth.csv")


def test_sample_segments_match_the_planted_truth(sample):
    features, truth = sample
    r = fit_segments(features, FEATURES, transforms=LOG1P)
    assert r.k == 4  # chosen by the silhouette rule over 2..10
    m = r.assignments.merge(truth, on="customer_id", validate="1:1")
    assert len(m) == len(truth)
    assert adjusted_rand_score(m["true_segment"], m["segment_id"]) >= 0.95
    assert r.assignments["segment_name"].nunique() == 4
    scored = assign_from_centroids(features, r.centroids).sort_values("customer_id")
    assert (scored["segment_id"].to_numpy() == r.assignments["segment_id"].to_numpy()).all()
