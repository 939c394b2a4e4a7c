"""The dbt entry points of the response model: settings, transforms, the cached fit, the typed tables."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from custseg.response import Candidate, fit_response_model, predict_proba_from_coefficients
from custseg.response.dbt_models import response_arrow_table, response_model, response_table
from custseg.response.fit import TABLE_COLUMNS
from custseg.response.settings import feature_set, resolve_settings
from custseg.response.transforms import apply_transform

FAST = {"n_folds": 3}


def training_set(n=300, seed=0, unlabeled=60):
    rng = np.random.default_rng(seed)
    spend = rng.lognormal(5, 1.5, size=n)
    age = rng.integers(20, 80, size=n).astype(float)
    z = 1.5 * (np.log1p(spend) - 5) - 0.02 * (age - 50)
    label = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    label[:unlabeled] = np.nan
    spend[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({
        "customer_id": [f"eval_{i}" if i < unlabeled else f"train_{i}" for i in range(n)],
        "response_campaign_id": "c1",
        "label": pd.array([None if np.isnan(v) else int(v) for v in label], dtype="Int64"),
        "is_labeled": ~np.isnan(label),
        "monetary": spend, "age": age, "returns": -rng.random(n),
    })


def seed_rows(dataset="sample"):
    return pd.DataFrame({"dataset": dataset, "model": ["response", "response", "segmentation"],
                         "feature_name": ["monetary", "age", "income"], "transform": ["log1p", "none", "none"]})


def test_log1p_matches_sql_definition():
    x = apply_transform([-3.0, 0.0, 1.5, None, np.nan], "log1p")
    assert x[0] == 0.0 and x[1] == 0.0 and x[2] == np.log(2.5)
    assert np.isnan(x[3]) and np.isnan(x[4])
    with pytest.raises(ValueError, match="unknown transform"):
        apply_transform([1.0], "sqrt")


def test_settings_precedence_and_errors():
    seed = feature_set(seed_rows(), "sample")
    assert seed == {"features": ["age", "monetary"], "log1p": ["monetary"]}
    assert feature_set(seed_rows(), "coil2000") == {}
    s = resolve_settings("coil2000", '{"n_folds": 3}', seed)
    assert s["targets_top"] == 800 and s["targets_population"] == "unlabeled" and s["hits_scale_to"] == 4000
    assert s["n_folds"] == 3 and s["features"] == ["age", "monetary"]
    assert resolve_settings("sample", {})["targets_top"] == 0.2
    with pytest.raises(ValueError, match="unknown key"):
        resolve_settings("sample", {"k": 3})


def test_transform_is_recorded_and_the_table_scorer_reads_raw_columns():
    df = training_set()
    res = fit_response_model(df, feature_cols=["age", "monetary"], transforms={"monetary": "log1p"},
                             n_folds=3, candidates=[Candidate("logit", {"C": 1.0})])
    c = res.coefficients
    assert pd.isna(c["transform"].iloc[0])
    assert dict(zip(c["feature_name"][1:], c["transform"][1:])) == {"age": "none", "monetary": "log1p"}
    raw = df.sort_values("customer_id").reset_index(drop=True)
    p = predict_proba_from_coefficients(c, raw)
    assert np.max(np.abs(p - res.scores["logit_probability"].to_numpy())) < 1e-9


def test_tables_are_typed_cached_and_targets_follow_the_settings():
    df = training_set()
    first, settings = response_model(df, "coil2000", FAST, seed_rows("coil2000"))
    again, _ = response_model(df.sample(frac=1.0, random_state=3), "coil2000", FAST, seed_rows("coil2000"))
    assert again is first  # one fit per build, whatever the row order
    targets = response_table("campaign_targets", df, "coil2000", {**FAST, "targets_top": 25},
                             seed_rows("coil2000"))
    assert len(targets) == 25 and targets["customer_id"].str.startswith("eval_").all()
    for name, cols in TABLE_COLUMNS.items():
        table = response_arrow_table(name, df, "coil2000", FAST, seed_rows("coil2000"))
        assert isinstance(table, pa.Table) and table.column_names == list(cols)
    scores = response_arrow_table("response_scores", df, "coil2000", FAST, seed_rows("coil2000"))
    assert scores.schema.field("label").type == pa.int64() and scores.num_rows == 300


def test_a_data_set_without_labels_gets_empty_typed_tables():
    df = training_set()
    df["label"] = pd.array([None] * len(df), dtype="Int64")
    for name, cols in TABLE_COLUMNS.items():
        table = response_arrow_table(name, df, "online_retail", FAST, None)
        assert table.num_rows == 0 and table.column_names == list(cols)


def test_missing_feature_column_is_named():
    df = training_set().drop(columns="age")
    with pytest.raises(ValueError, match="age"):
        response_model(df, "sample", FAST, seed_rows())
