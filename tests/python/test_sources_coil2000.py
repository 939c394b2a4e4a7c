"""CoIL 2000 through the coil2000 source: 5,822 training and 4,000 evaluation households, 348 positives."""

from __future__ import annotations

import duckdb
import pytest


pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def warehouse(full_build):
    con = duckdb.connect(str(full_build("coil2000")), read_only=True)
    yield con
    con.close()


def test_households_per_file(warehouse):
    assert warehouse.execute("select source_file, raw_rows, clean_rows, unaccounted_rows from source_reconciliation "
                             "order by 1").fetchall() == [("coil2000_insurance/ticdata2000.txt", 5_822, 5_822, 0),
                                                          ("coil2000_insurance/ticeval2000.txt", 4_000, 4_000, 0)]


def test_caravan_responses(warehouse):
    labelled = warehouse.execute("""
        select count(*) filter (where responded is not null), sum(responded),
               count(*) filter (where responded is null and customer_id like 'eval_%'), min(campaign_id)
        from campaign_responses""").fetchone()
    assert labelled == (5_822, 348, 4_000, "caravan_2000")


def test_population_members_mark_caravan_owners(warehouse):
    counts = dict(warehouse.execute("select is_customer, count(*) from population_members group by 1").fetchall())
    assert counts == {True: 348, False: 5_474, None: 4_000}


def test_household_attributes_are_named_from_the_dictionary(warehouse):
    assert warehouse.execute("select count(*), count(distinct customer_id) from household_attributes"
                             ).fetchone() == (9_822 * 85, 9_822)
    first = warehouse.execute("""
        select attribute_name, attribute_label, value from household_attributes
        where customer_id = 'eval_17' and attribute_position in (1, 85) order by attribute_position""").fetchall()
    assert [row[:2] for row in first] == [("MOSTYPE", "customer_subtype"),
                                         ("ABYSTAND", "number_of_social_security_insurance_policies")]


def test_line_numbers_identify_households(shared_data, warehouse):
    line_17 = (shared_data / "coil2000_insurance" / "ticeval2000.txt").read_text().splitlines()[16].split("\t")
    values = [row[0] for row in warehouse.execute(
        "select value from household_attributes where customer_id = 'eval_17' order by attribute_position").fetchall()]
    assert values == [int(v) for v in line_17]


def test_great_expectations_all_pass(warehouse):
    assert warehouse.execute("select count(*) from data_quality_results where not success").fetchone() == (0,)
