"""`mf query` (dbt-metricflow) answers the semantic layer's metrics on a built warehouse, and its numbers
agree with plain SQL on the same tables. One query per dimension the marketers group by."""

from __future__ import annotations

import duckdb
import pytest

from custseg.serving.semantic_layer import mf_query

pytestmark = pytest.mark.slow

# (group-by item, the SQL that gives the same numbers on the warehouse)
DIMENSIONS = [
    ("customer__rfm_segment", """
        select rfm.rfm_segment as dimension, count(*) as customers, sum(rfm.monetary) as revenue,
               (select sum(r.responded) * 1.0 / count(r.responded) from campaign_responses as r
                inner join customer_rfm as x on r.customer_id = x.customer_id
                where x.rfm_segment = rfm.rfm_segment) as response_rate
        from customer_rfm as rfm group by rfm.rfm_segment
    """),
    ("customer__segment_name", """
        select seg.segment_name as dimension, count(*) as customers, sum(rfm.monetary) as revenue,
               (select sum(r.responded) * 1.0 / count(r.responded) from campaign_responses as r
                inner join customer_segments as x on r.customer_id = x.customer_id
                where x.segment_name = seg.segment_name) as response_rate
        from customer_rfm as rfm inner join customer_segments as seg on rfm.customer_id = seg.customer_id
        group by seg.segment_name
    """),
]


@pytest.mark.parametrize(("group_by", "sql"), DIMENSIONS, ids=[d[0] for d in DIMENSIONS])
def test_mf_query_matches_sql(published_sample, group_by, sql):
    result = mf_query(["customers", "revenue", "response_rate"], [group_by],
                      db_path=published_sample.db, target_path=published_sample.target_path)
    with duckdb.connect(str(published_sample.db), read_only=True) as con:
        expected = con.execute(sql).df().set_index("dimension").sort_index()

    assert len(result) > 0
    got = result.set_index(group_by).sort_index()
    assert list(got.index) == list(expected.index)
    assert got["customers"].tolist() == expected["customers"].tolist()
    assert got["revenue"].to_numpy() == pytest.approx(expected["revenue"].to_numpy(), rel=1e-9)
    assert got["response_rate"].to_numpy() == pytest.approx(expected["response_rate"].to_numpy(), rel=1e-9,
                                                            nan_ok=True)
    assert ((got["response_rate"].dropna() >= 0) & (got["response_rate"].dropna() <= 1)).all()
