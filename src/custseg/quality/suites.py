"""What the data must look like: one list of Great Expectations checks per table, raw inputs and clean tables.

A check names a Great Expectations 1.x expectation class and its arguments. Raw suites run on the
canonical ``int_*`` tables (every raw row, typed); clean suites on the public core tables. A table
with zero rows is skipped unless the data set must provide it (``required_tables``): an empty
required input fails the build.

Great Expectations owns the value rules (completeness of value columns, with ``mostly`` thresholds on raw
inputs; ranges; forbidden values; required tables not empty). Keys and relations are dbt tests, over every
row (models/**/_*.yml): unique and not_null on primary keys (``primary_key`` for composite ones), not_null on
the foreign keys of clean tables, ``relationships`` and ``accepted_values`` of enums. No rule is written in
both places (models/marts/core/_quality__docs.md has the table). GE reads at most ``sample_rows`` rows of a
table (custseg.quality.runner), so its rules are checked on a deterministic sample of the large tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Check:
    """One expectation: ``expectation`` is the GE class name, ``kwargs`` its arguments."""

    expectation: str
    kwargs: dict = field(default_factory=dict)

    @property
    def column(self) -> str | None:
        if "column" in self.kwargs:
            return self.kwargs["column"]
        if "column_list" in self.kwargs:
            return ",".join(self.kwargs["column_list"])
        return None


def _not_null(column: str, mostly: float = 1.0) -> Check:
    kwargs = {"column": column} if mostly >= 1.0 else {"column": column, "mostly": mostly}
    return Check("ExpectColumnValuesToNotBeNull", kwargs)


# Raw inputs: the shape of what was read. Bad lines are quarantined, not fatal, unless so many
# fail (over 1%) that the file is most likely not what the source expects (wrong file or format).
# (source_file, source_row) keys: dbt primary_key tests of the int_* models.
RAW_SUITES: dict[str, list[Check]] = {
    "int_order_lines": [
        Check("ExpectColumnValuesToBeNull", {"column": "parse_error", "mostly": 0.99}),
        _not_null("invoice_id", mostly=0.99),
        _not_null("quantity", mostly=0.99),
        _not_null("ordered_at", mostly=0.99),
    ],
    "int_customers": [
        Check("ExpectColumnValuesToBeNull", {"column": "parse_error", "mostly": 0.99}),
        _not_null("customer_id", mostly=0.99),
    ],
    "int_campaign_responses": [
        _not_null("customer_id"),
    ],
    "int_household_attributes": [
        Check("ExpectColumnValuesToBeBetween", {"column": "attribute_position", "min_value": 1, "max_value": 85}),
        _not_null("attribute_label"),
    ],
}

# Clean tables: the value rules every cleaning rule promises downstream. Keys (customer_id, person_id,
# (customer_id, campaign_id), order-line keys), foreign keys and enums (marital_status, responded,
# activity_type) are dbt tests of the same tables; campaign_responses and population_members have no value
# rule, only the row count where the data set must fill them.
CLEAN_SUITES: dict[str, list[Check]] = {
    "order_lines": [
        _not_null("invoice_id"),
        _not_null("ordered_at"),
        _not_null("quantity"),
        Check("ExpectColumnValuesToBeBetween", {"column": "unit_price", "min_value": 0, "strict_min": True}),
        Check("ExpectColumnValuesToNotBeInSet", {"column": "quantity", "value_set": [0]}),
    ],
    "customers": [
        Check("ExpectColumnValuesToBeBetween", {"column": "birth_year", "min_value": 1901, "max_value": 2010}),
        Check("ExpectColumnValuesToBeBetween", {"column": "income", "min_value": 0, "max_value": 300_000}),
    ],
    "campaign_responses": [],
    "population_members": [],
    "customer_activity": [
        Check("ExpectColumnValuesToBeBetween", {"column": "value", "min_value": 0}),
    ],
    "household_attributes": [
        _not_null("value"),
        Check("ExpectColumnValuesToBeBetween", {"column": "value", "min_value": 0, "max_value": 41}),
    ],
}

# Tables each data set must fill: an empty one fails the build (e.g. an export with a header only).
REQUIRED_TABLES: dict[str, list[str]] = {
    "sample": ["int_order_lines", "int_customers", "int_campaign_responses", "order_lines", "customers"],
    "online_retail": ["int_order_lines", "order_lines"],
    "user": ["int_order_lines", "order_lines"],
    "customer_personality": ["int_customers", "customers", "campaign_responses", "customer_activity"],
    "coil2000": ["int_customers", "customers", "campaign_responses", "population_members",
                 "household_attributes"],
}


def suites_for(kind: str) -> dict[str, list[Check]]:
    """The suites of one kind: ``raw`` or ``clean``."""
    if kind == "raw":
        return RAW_SUITES
    if kind == "clean":
        return CLEAN_SUITES
    raise ValueError(f"unknown suite kind {kind!r}: expected 'raw' or 'clean'")


def required_tables(dataset: str) -> list[str]:
    """Tables that must not be empty for ``dataset`` (none for an unknown data set)."""
    return REQUIRED_TABLES.get(dataset, [])


def columns_needed(checks: list[Check]) -> list[str]:
    """Every column the checks read, in first-use order (tables are loaded with these only)."""
    needed: list[str] = []
    for check in checks:
        for column in [check.kwargs.get("column"), *check.kwargs.get("column_list", [])]:
            if column and column not in needed:
                needed.append(column)
    return needed
