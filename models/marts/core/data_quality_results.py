"""Great Expectations results of this build: one row per expectation on raw inputs and clean tables.

Thin wrapper: the suites and the runner are in custseg.quality (tested with pytest). The test
tests/sources/data_quality_expectations.sql fails the build on any failed expectation.
"""

from custseg.quality import load_and_validate


def model(dbt, session):
    dbt.config(materialized="table")
    dataset = dbt.config.get("dataset")
    relations = {
        "raw": {
            "int_order_lines": dbt.ref("int_order_lines"),
            "int_customers": dbt.ref("int_customers"),
            "int_campaign_responses": dbt.ref("int_campaign_responses"),
            "int_household_attributes": dbt.ref("int_household_attributes"),
        },
        "clean": {
            "order_lines": dbt.ref("order_lines"),
            "customers": dbt.ref("customers"),
            "campaign_responses": dbt.ref("campaign_responses"),
            "population_members": dbt.ref("population_members"),
            "customer_activity": dbt.ref("customer_activity"),
            "household_attributes": dbt.ref("household_attributes"),
        },
    }
    # Scheduling only: start once the fits have started (its dbt thread then mostly waits for a worker process,
    # as theirs do), instead of competing with the SQL models that the response model's training set waits for.
    # Its uniqueness counts over every order line run in passes of ~10M rows (custseg.quality.sql_counts), so
    # beside the two fit processes its memory stays bounded (one pass over 50M keys took 3.7 GB).
    dbt.ref("population_features")
    return load_and_validate(dataset, relations)
