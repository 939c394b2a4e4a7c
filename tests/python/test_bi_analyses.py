"""The analyses an analyst runs (analyses/*.sql), compiled by dbt and run in DuckDB on the serving copies."""

from __future__ import annotations

import os
import shutil
from types import SimpleNamespace

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

pytestmark = pytest.mark.slow


ANALYSES = ["segment_mix_by_country", "segment_migration", "mailing_budget_targets"]
FIRST_BUDGET = {"mailing_budget": 100, "cost_per_letter": 0.85}


@pytest.fixture(scope="module")
def project(published_sample, tmp_path_factory):
    """Where the analyses are compiled: a copy of the published build database with a target folder of its own
    (dbt opens the database for writing, and the other pytest process may be reading the published one), and
    the path the migration test writes its older serving copy to."""
    root = tmp_path_factory.mktemp("analyses")
    shutil.copyfile(published_sample.db, root / "sample.duckdb")
    return SimpleNamespace(raw_dir=published_sample.raw_dir, db=root / "sample.duckdb", target_path=root / "target",
                           previous_serving_db=root / "previous.duckdb")


def _compile(project, names: list[str], extra_vars: dict) -> dict[str, str]:
    run_dbt("compile", dataset="sample", raw_data_dir=project.raw_dir, db_path=project.db,
            target_path=project.target_path, extra_vars=extra_vars, args=["--select", *names])
    return {name: (project.target_path / "compiled" / "custseg" / "analyses" / f"{name}.sql").read_text()
            for name in names}


@pytest.fixture(scope="module")
def compiled(published_sample, project) -> dict[str, str]:
    """Every analysis, compiled in one dbt invocation with the vars the tests below give them."""
    return _compile(project, ANALYSES, {"previous_serving_db": str(project.previous_serving_db),
                                        "current_serving_db": str(published_sample.serving_db), **FIRST_BUDGET})


def _run(con: duckdb.DuckDBPyConnection, sql: str):
    *setup, query = con.extract_statements(sql)  # DuckDB's own parser: comments may hold semicolons
    for statement in setup:
        con.execute(statement)
    return con.execute(query).df()


def test_segment_mix_by_country_splits_every_segmented_customer(published_sample, compiled):
    sql = compiled["segment_mix_by_country"]
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        mix = _run(con, sql)
        segmented = con.execute("select count(*) from customer_segments").fetchone()[0]
    assert mix["customers"].sum() == segmented
    assert mix.groupby("country")["share_of_country"].sum().to_numpy() == pytest.approx(1.0)
    assert (mix["country"] != "unknown").all()  # the sample world has a region for every customer


def test_segment_migration_counts_moves_between_two_serving_copies(published_sample, project, compiled):
    previous = project.previous_serving_db
    shutil.copy(published_sample.serving_db, previous)
    os.chmod(previous, 0o644)
    with duckdb.connect(str(previous)) as con:  # an older build: 10 customers were elsewhere, 5 not yet there
        con.execute("update customer_segments set segment_name = 'an old segment' where customer_id in "
                    "(select customer_id from customer_segments order by customer_id limit 10)")
        con.execute("delete from customer_segments where customer_id in "
                    "(select customer_id from customer_segments order by customer_id desc limit 5)")
    sql = compiled["segment_migration"]
    with duckdb.connect() as con:
        moves = _run(con, sql)
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        customers = con.execute("select count(*) from customer_segments").fetchone()[0]

    assert moves["customers"].sum() == customers
    assert moves.loc[moves["from_segment"] == "an old segment", "customers"].sum() == 10
    assert moves.loc[moves["from_segment"] == "new customer", "customers"].sum() == 5
    assert moves.loc[moves["is_unchanged"], "customers"].sum() == customers - 15
    assert "no longer a customer" not in set(moves["to_segment"])


@pytest.mark.parametrize(("budget", "cost"), [(FIRST_BUDGET["mailing_budget"], FIRST_BUDGET["cost_per_letter"]),
                                           (250, 2.5)])
def test_mailing_budget_target_list_is_the_best_scores_that_fit_the_budget(published_sample, project, compiled,
                                                                          budget, cost):
    given = {"mailing_budget": budget, "cost_per_letter": cost}
    sql = compiled["mailing_budget_targets"] if given == FIRST_BUDGET else _compile(
        project, ["mailing_budget_targets"], given)["mailing_budget_targets"]
    with duckdb.connect(str(published_sample.serving_db), read_only=True) as con:
        targets = _run(con, sql)
        scores = con.execute("select customer_id, response_probability from response_scores").df()

    assert len(scores) > 0, "the sample world has campaign responses: response_scores must have rows"
    expected_letters = min(int(budget // cost), len(scores))
    assert len(targets) == expected_letters
    assert targets["cumulative_cost"].max() <= budget
    assert targets["mailing_rank"].tolist() == list(range(1, expected_letters + 1))
    chosen = set(targets["customer_id"])
    best_left_out = scores.loc[~scores["customer_id"].isin(chosen), "response_probability"].max()
    assert targets["response_probability"].min() >= best_left_out
    assert targets["expected_responders"].iloc[-1] == pytest.approx(targets["response_probability"].sum())
