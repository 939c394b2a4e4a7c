"""Great Expectations results of this build: one row per expectation on the raw inputs and the clean tables.

The suites and the runner are in custseg.quality (tested with pytest); which rule GE owns and which dbt
owns: _quality__docs.md. tests/sources/data_quality_expectations.sql fails the build on any failure.
"""

from custseg.quality import validate_tables


def model(dbt, session):
    dbt.config(materialized="table")
    raw = {"int_order_lines": dbt.ref("int_order_lines"), "int_customers": dbt.ref("int_customers"),
           "int_campaign_responses": dbt.ref("int_campaign_responses"),
           "int_household_attributes": dbt.ref("int_household_attributes")}
    clean = {"order_lines": dbt.ref("order_lines"), "customers": dbt.ref("customers"),
             "campaign_responses": dbt.ref("campaign_responses"),
             "population_members": dbt.ref("population_members"),
             "customer_activity": dbt.ref("customer_activity"),
             "household_attributes": dbt.ref("household_attributes")}
    return validate_tables(dbt.config.get("dataset"), {"raw": raw, "clean": clean},
                           sample_rows=int(dbt.config.get("sample_rows")))
