"""`mf query` (dbt-metricflow) answers the semantic layer's metrics from the serving copy, while the build
database is held open for writing (as during a build), and gives the same figures as segment_profiles (what the
report shows): customers, revenue and response rate have one definition, the columns of customer_metrics."""

from __future__ import annotations

import duckdb
import pytest

from custseg.serving.semantic_layer import mf_query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def building(published_sample, tmp_path_factory):
    """A copy of the published warehouse whose build database is open for writing in this process, as during a
    build: no other process can open it. (A copy: the published sample is shared with the other pytest process.)"""
    from conftest import copy_of_build

    copy = copy_of_build(published_sample, tmp_path_factory.mktemp("building"))
    con = duckdb.connect(str(copy.db))
    yield copy
    con.close()


def serving(published, sql: str):
    with duckdb.connect(str(published.serving_db), read_only=True) as con:
        return con.execute(sql).df()


def test_mf_query_by_segment_equals_segment_profiles(building):
    result = mf_query(["customers", "revenue", "response_mailings", "responders", "response_rate"],
                      ["customer__segment_name"], serving_db=building.serving_db,
                      target_path=building.target_path)
    profiles = serving(building, "select segment_name, customers, revenue, labeled_customers, responders, "
                                         "response_rate from segment_profiles").set_index("segment_name").sort_index()
    got = result.set_index("customer__segment_name").sort_index()

    assert len(profiles) >= 2 and list(got.index) == list(profiles.index)
    assert got["customers"].tolist() == profiles["customers"].tolist()
    assert got["response_mailings"].tolist() == profiles["labeled_customers"].tolist()
    assert got["responders"].tolist() == profiles["responders"].tolist()
    assert got["revenue"].to_numpy() == pytest.approx(profiles["revenue"].to_numpy(), rel=1e-12)
    assert got["response_rate"].to_numpy() == pytest.approx(profiles["response_rate"].to_numpy(), rel=1e-12)
    assert profiles["response_rate"].between(0, 1).all() and profiles["labeled_customers"].sum() > 0


def test_mf_query_by_rfm_segment_matches_sql(building):
    result = mf_query(["customers", "revenue", "response_rate"], ["customer__rfm_segment"],
                      serving_db=building.serving_db, target_path=building.target_path)
    expected = serving(building, """
        select r.rfm_segment, count(*) as customers, sum(m.revenue) as revenue,
               sum(m.responded) / nullif(sum(m.response_mailings), 0) as response_rate
        from customer_metrics as m left join customer_rfm as r on m.customer_id = r.customer_id
        group by r.rfm_segment""").set_index("rfm_segment").sort_index()
    got = result.set_index("customer__rfm_segment").sort_index()

    assert len(got) > 3 and list(got.index) == list(expected.index)
    assert got["customers"].tolist() == expected["customers"].tolist()
    assert got["revenue"].to_numpy() == pytest.approx(expected["revenue"].astype(float).to_numpy(), rel=1e-12)
    assert got["response_rate"].to_numpy() == pytest.approx(expected["response_rate"].to_numpy(), rel=1e-12)


def test_campaign_response_rate_is_per_campaign(building):
    result = mf_query(["campaign_response_rate"], ["mailing__campaign_id"],
                      serving_db=building.serving_db, target_path=building.target_path)
    expected = serving(building, "select campaign_id, avg(responded) as rate from campaign_responses "
                                         "where responded is not null group by 1").set_index("campaign_id").sort_index()
    got = result.set_index("mailing__campaign_id").sort_index()
    assert len(got) >= 2 and list(got.index) == list(expected.index)
    assert got["campaign_response_rate"].to_numpy() == pytest.approx(expected["rate"].to_numpy(), rel=1e-12)
