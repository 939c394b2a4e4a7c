"""End to end: the fits read bounded tables, and every customer is still assigned and scored in SQL.

A dbt build of the small world (about 2,000 customers) with vars customer_fit_rows and response_fit_rows below
its customers: the fits see only int_customer_fit_sample / int_response_fit_sample (the first rows by
md5(customer_id)), the SQL models assign and score every customer, and the check models (scikit-learn on the same
refits) agree with SQL for every customer (the singular tests pass in that build).
"""

from __future__ import annotations

import json

import duckdb
import pytest

from custseg.dbt_runner import run_dbt

CUSTOMER_FIT_ROWS, RESPONSE_FIT_ROWS = 700, 500
CHECKS = ["assert_sql_segments_match_python", "assert_sql_logit_scoring_matches_python",
          "assert_sql_tree_scoring_matches_python"]


@pytest.mark.slow
def test_fits_on_bounded_samples_score_every_customer(small_world, tmp_path):
    db = tmp_path / "bounded.duckdb"
    run_dbt("build", dataset="sample", raw_data_dir=small_world, db_path=db, target_path=tmp_path / "target",
            extra_vars={"customer_fit_rows": CUSTOMER_FIT_ROWS, "response_fit_rows": RESPONSE_FIT_ROWS},
            args=["--select", " ".join(f"+{check}" for check in CHECKS), "+customer_segments",
                  "+response_scores", "+segment_k_selection", "--indirect-selection", "cautious"])
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    status = {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("test.")}
    assert {check: status.get(check) for check in CHECKS} == dict.fromkeys(CHECKS, "pass")

    con = duckdb.connect(str(db), read_only=True)
    customers = con.execute("select count(*) from customer_features").fetchone()[0]
    labeled = con.execute("select count(*) from response_training_set where is_labeled").fetchone()[0]
    assert customers > CUSTOMER_FIT_ROWS and labeled > RESPONSE_FIT_ROWS  # the bounds bind
    assert con.execute("select count(*) from int_customer_fit_sample").fetchone()[0] == CUSTOMER_FIT_ROWS
    assert con.execute("select count(*) from int_response_fit_sample").fetchone()[0] == RESPONSE_FIT_ROWS
    # the first rows by md5 of the id: the same rows on every engine
    expected = con.execute(f"select customer_id from customer_features order by md5(customer_id), customer_id "
                       f"limit {CUSTOMER_FIT_ROWS}").fetchall()
    assert sorted(expected) == sorted(con.execute("select customer_id from int_customer_fit_sample").fetchall())
    # the fits saw the bounded rows only; SQL assigned and scored everyone
    assert con.execute("select max(selection_sample_size) from segment_k_selection").fetchone()[0] <= CUSTOMER_FIT_ROWS
    assert con.execute("select count(distinct customer_id) from response_cv_predictions").fetchone()[0] <= RESPONSE_FIT_ROWS
    assert con.execute("select count(*) from customer_segments").fetchone()[0] == customers
    assert con.execute("select count(*) from segment_assignments_python").fetchone()[0] == customers
    training = con.execute("select count(*) from response_training_set").fetchone()[0]
    assert con.execute("select count(*) from response_scores").fetchone()[0] == training
    assert con.execute("select count(*) from response_scores_python").fetchone()[0] == training
    con.close()
