"""Customer Personality through the customer_personality source: 2,240 rows accounted for, cleaning flags."""

from __future__ import annotations

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

CORE = ["--select", "+models/marts/core", "tests/sources", "--indirect-selection", "cautious"]


def build(tmp, raw_dir):
    db = tmp / "customer_personality.duckdb"
    run_dbt("build", dataset="customer_personality", raw_data_dir=raw_dir, db_path=db, target_path=tmp / "target",
            args=CORE)
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def warehouse(full_build):
    con = duckdb.connect(str(full_build("customer_personality")), read_only=True)
    yield con
    con.close()


def test_every_row_is_accounted_for(warehouse):
    assert warehouse.execute("select raw_rows, clean_rows, rejected_rows, unaccounted_rows "
                             "from source_reconciliation").fetchall() == [(2_240, 2_240, 0, 0)]


def test_missing_incomes_and_outliers_are_kept_blank_and_flagged(warehouse):
    flags = warehouse.execute("""
        select count(*) filter (where is_income_missing), count(*) filter (where is_income_outlier),
               count(*) filter (where is_birth_year_outlier), count(*) filter (where has_odd_marital_status),
               count(income), count(birth_year), max(income), min(birth_year)
        from customers""").fetchone()
    assert flags[:6] == (24, 1, 3, 7, 2_240 - 24 - 1, 2_240 - 3)
    assert flags[6] < 666_666 and flags[7] > 1900


def test_marital_statuses_go_through_the_seed_mapping(warehouse):
    statuses = dict(warehouse.execute("select coalesce(marital_status, '?'), count(*) from customers "
                                      "group by 1").fetchall())
    assert statuses == {"married": 864, "together": 580, "single": 483, "divorced": 232, "widowed": 77, "?": 4}


def test_constant_columns_are_not_passed_on(warehouse):
    columns = {row[0] for row in warehouse.execute("describe customers").fetchall()}
    assert not {"z_costcontact", "z_revenue"} & columns


def test_responses_and_activity(warehouse):
    responses = dict(warehouse.execute("select campaign_id, sum(responded) from campaign_responses "
                                       "group by 1").fetchall())
    assert responses["last_campaign"] == 334 and set(responses) == {f"cmp{i}" for i in range(1, 6)} | {"last_campaign"}
    activity = warehouse.execute("select count(*), count(distinct customer_id) from customer_activity").fetchone()
    assert activity == (2_240 * 13, 2_240)
    wine = warehouse.execute("select value from customer_activity where customer_id = '5524' "
                             "and activity_type = 'spend' and activity_key = 'wine'").fetchone()
    assert wine == (635.0,)


def test_great_expectations_all_pass(warehouse):
    assert warehouse.execute("select count(*) from data_quality_results where not success").fetchone() == (0,)
    checked = warehouse.execute("select distinct table_name from data_quality_results").fetchall()
    assert {table for (table,) in checked} == {"int_customers", "int_campaign_responses", "customers",
                                              "campaign_responses", "customer_activity"}


def test_crlf_copy_gives_the_same_customers(shared_data, warehouse, tmp_path):
    raw = tmp_path / "raw" / "customer_personality"
    raw.mkdir(parents=True)
    text = (shared_data / "customer_personality" / "marketing_campaign.csv").read_bytes()
    (raw / "marketing_campaign.csv").write_bytes(text.replace(b"\n", b"\r\n"))
    query = "select * exclude (source_file) from customers order by customer_id"
    with build(tmp_path, tmp_path / "raw") as crlf:
        assert crlf.execute(query).fetchall() == warehouse.execute(query).fetchall()
