"""End to end: the segmentation models in ``make build`` of a generated world (conftest's published sample).

Checks the product requirement (adjusted Rand index of customer_segments against the planted
segments >= 0.95), that SQL scoring agreed with Python (the singular test passed in that build),
and that the five tables are there with one chosen k.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score


MODELS = ["customer_segments", "segment_centroids", "segment_k_selection", "segment_profiles",
          "population_segment_comparison"]


@pytest.mark.slow
def test_dbt_build_of_the_segmentation(published_sample):
    # the published sample is `make build` of the small world: every model and every data test
    results = json.loads(published_sample.run_results.read_text())["results"]
    status = {r["unique_id"].split(".")[-1]: r["status"] for r in results}
    assert status.get("assert_sql_segments_match_python") == "pass"  # SQL scoring agreed with Python
    assert all(status.get(model) == "success" for model in MODELS), {m: status.get(m) for m in MODELS}
    db, small_world = published_sample.db, published_sample.raw_dir
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
