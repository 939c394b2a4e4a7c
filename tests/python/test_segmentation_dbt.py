"""End to end: the segmentation models in a dbt build of a generated world.

Checks the product requirement (adjusted Rand index of customer_segments against the planted
segments >= 0.9), that SQL scoring agreed with Python (the singular test runs in the build),
and that the five tables are there with one chosen k.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from custseg.dbt_runner import run_dbt

MODELS = ["customer_segments", "segment_centroids", "segment_k_selection", "segment_profiles",
          "population_segment_comparison"]


@pytest.mark.slow
def test_dbt_build_of_the_segmentation(small_world, tmp_path):
    db = tmp_path / "seg.duckdb"
    # run everything upstream, then only the tests that read the segmentation models
    run_dbt("build", dataset="sample", raw_data_dir=small_world, db_path=db, target_path=tmp_path / "t",
            args=["--select", *[f"+{m}" for m in [*MODELS, "segment_assignments_python"]],
                  "--exclude", "resource_type:test"])
    proc = run_dbt("test", dataset="sample", raw_data_dir=small_world, db_path=db, target_path=tmp_path / "t",
                   args=["--select", *MODELS])
    assert "assert_sql_segments_match_python" in proc.stdout  # the SQL-vs-Python test ran (and passed)
    con = duckdb.connect(str(db), read_only=True)
    seg = con.sql("select customer_id, segment_id from customer_segments").df()
    n_features = con.sql("select count(*) from customer_features").fetchall()[0][0]
    k = con.sql("select k from segment_k_selection where is_chosen").df()["k"].tolist()
    comparison = con.sql("select * from population_segment_comparison").df()
    profiles = con.sql("select * from segment_profiles").df()
    con.close()
    truth = pd.read_csv(small_world / "segments_truth.csv")
    m = seg.merge(truth, on="customer_id", validate="1:1")
    assert len(seg) == n_features
    assert adjusted_rand_score(m["true_segment"], m["segment_id"]) >= 0.95
    assert len(k) == 1 and len(profiles) == k[0]
    assert profiles["segment_name"].is_unique
    assert comparison["population_share"].sum() == pytest.approx(1.0)
    assert comparison["customer_share"].sum() == pytest.approx(1.0)
