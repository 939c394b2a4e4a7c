"""The gradient-boosting model as a node table: the table, its numpy reference scorer, and the SQL macro.

(a) predict_proba_from_tree_nodes (both threshold forms) equals the pipeline's predict_proba within 1e-12, on
    data with nulls, log1p transforms (continuous and low-cardinality), pass-through columns, a constant and an
    all-null column, negative amounts, and rows exactly on every split threshold and one ulp either side.
(b) the score_response_trees macro, compiled by the project's dbt and run on DuckDB, equals the reference
    within 1e-9 (slow: one `dbt compile`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from custseg.response.candidates import DEFAULT_HGB_GRID, hgb_pipeline
from custseg.response.transforms import transform_frame
from custseg.response.trees import (
    TREE_NODE_COLUMNS,
    _raw_thresholds,
    empty_tree_nodes_table,
    predict_proba_from_tree_nodes,
    tree_nodes_table,
)

FEATURES = ["monetary", "recency_days", "visits", "kids", "score", "constant", "empty"]
TRANSFORMS = {"monetary": "log1p", "recency_days": "log1p", "visits": "log1p"}
SPEC_COLUMNS = ["tree_id", "node_id", "depth", "is_leaf", "feature_name", "feature_position", "transform",
                "impute_value", "threshold", "missing_go_to_left", "left_child", "right_child", "leaf_value",
                "baseline", "link"]


def _training_rows(n=2500, seed=3) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "monetary": np.round(rng.lognormal(5, 1.5, n), 2) - 20,    # log1p, > 255 distinct, some negative
        "recency_days": rng.integers(0, 400, n).astype(float),     # log1p, > 255 distinct integers (binned)
        "visits": rng.integers(0, 12, n).astype(float),            # log1p, few values (passes through the binner)
        "kids": rng.integers(0, 4, n).astype(float),               # none, pass-through
        "score": rng.normal(size=n),                               # none, binned
        "constant": np.full(n, 3.0),
        "empty": np.full(n, np.nan),                                # all null: imputed 0 (keep_empty_features)
    })
    for col, share in (("monetary", 0.1), ("recency_days", 0.05), ("visits", 0.05), ("kids", 0.05), ("score", 0.05)):
        df.loc[rng.random(n) < share, col] = np.nan
    z = (0.6 * np.log1p(np.maximum(df["monetary"].fillna(100), 0)) - 0.006 * df["recency_days"].fillna(200)
         + 0.15 * df["visits"].fillna(3) + 0.3 * df["kids"].fillna(1) + 0.8 * df["score"].fillna(0) - 3.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return df, y


def _boundary_rows(nodes: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Rows that sit exactly on each split's raw threshold (and one ulp either side) on that split's feature,
    and null on it, the other columns copied from training rows."""
    splits = nodes[~nodes["is_leaf"]]
    t = splits["raw_threshold"].to_numpy()
    values = np.concatenate([t, np.nextafter(t, np.inf), np.nextafter(t, -np.inf), np.full(len(t), np.nan)])
    names = np.tile(splits["feature_name"].to_numpy(dtype=object), 4)
    keep = ~np.isinf(values)
    values, names = values[keep], names[keep]
    out = base.iloc[np.arange(len(values)) % len(base)].reset_index(drop=True).copy()
    for f in set(names):
        sel = names == f
        out.loc[sel, f] = values[sel]
    return out


@pytest.fixture(scope="module")
def fitted():
    """For each grid point of DEFAULT_HGB_GRID (class_weight='balanced'): the pipeline, its node table and
    the rows to score (training rows plus threshold rows)."""
    df, y = _training_rows()
    X = transform_frame(df, FEATURES, TRANSFORMS)[FEATURES].to_numpy()
    out = []
    for params in DEFAULT_HGB_GRID:
        with threadpool_limits(limits=1):  # OpenMP threads on a busy machine are far slower than one thread
            pipe = hgb_pipeline(**params, class_weight="balanced").fit(X, y)
        nodes = tree_nodes_table(pipe, FEATURES, TRANSFORMS)
        rows = pd.concat([df, _boundary_rows(nodes, df)], ignore_index=True)
        out.append((params, pipe, nodes, rows))
    return out


def _pipeline_proba(pipe, rows):
    with threadpool_limits(limits=1):
        return pipe.predict_proba(transform_frame(rows, FEATURES, TRANSFORMS)[FEATURES].to_numpy())[:, 1]


@pytest.mark.parametrize("grid_point", range(len(DEFAULT_HGB_GRID)))
@pytest.mark.parametrize("thresholds", ["transformed", "raw"])
def test_reference_scorer_equals_the_pipeline(fitted, grid_point, thresholds):
    params, pipe, nodes, rows = fitted[grid_point]
    expected = _pipeline_proba(pipe, rows)
    got = predict_proba_from_tree_nodes(nodes, rows, thresholds=thresholds)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    # also from a dict of columns
    got_dict = predict_proba_from_tree_nodes(nodes, {c: rows[c].tolist() for c in FEATURES}, thresholds=thresholds)
    np.testing.assert_allclose(got_dict, expected, rtol=0, atol=1e-12)


def test_threshold_rows_exercise_both_branches(fitted):
    """The boundary rows matter: moving a value one ulp above a raw threshold changes some scores."""
    _, pipe, nodes, rows = fitted[1]
    splits = nodes[~nodes["is_leaf"] & np.isfinite(nodes["raw_threshold"])].head(60)
    at = rows.iloc[np.zeros(len(splits), dtype=int)].reset_index(drop=True)
    above = at.copy()
    for i, rec in enumerate(splits.itertuples(index=False)):
        at.loc[i, rec.feature_name] = rec.raw_threshold
        above.loc[i, rec.feature_name] = np.nextafter(rec.raw_threshold, np.inf)
    assert (_pipeline_proba(pipe, at) != _pipeline_proba(pipe, above)).any()


def test_table_columns_types_and_nulls(fitted):
    params, pipe, nodes, _ = fitted[0]
    assert list(nodes.columns) == TREE_NODE_COLUMNS
    assert TREE_NODE_COLUMNS[:len(SPEC_COLUMNS)] == SPEC_COLUMNS
    model = pipe.named_steps["model"]
    assert nodes["tree_id"].nunique() == model.n_iter_ == params["max_iter"]
    assert str(nodes["tree_id"].dtype) == "int64" and str(nodes["node_id"].dtype) == "int64"
    assert str(nodes["feature_position"].dtype) == "Int64" and nodes["is_leaf"].dtype == bool
    leaves, splits = nodes[nodes["is_leaf"]], nodes[~nodes["is_leaf"]]
    for col in ("feature_name", "feature_position", "transform", "impute_value", "threshold",
                "missing_go_to_left", "left_child", "right_child", "raw_threshold", "null_goes_left"):
        assert leaves[col].isna().all(), col
        assert splits[col].notna().all(), col
    assert leaves["leaf_value"].notna().all() and splits["leaf_value"].isna().all()
    assert nodes["baseline"].nunique() == 1 and nodes["baseline"].iloc[0] == model._baseline_prediction.ravel()[0]
    assert (nodes["link"] == "logit").all()
    # at most max_leaf_nodes leaves per tree; positions and names agree; the constant/empty columns never split
    assert leaves.groupby("tree_id").size().max() <= params["max_leaf_nodes"]
    assert (splits["feature_name"] == [FEATURES[p - 1] for p in splits["feature_position"]]).all()
    assert not set(splits["feature_name"]) & {"constant", "empty"}
    assert set(splits["transform"]) <= {"none", "log1p"}
    assert (splits.loc[splits["transform"] == "none", "raw_threshold"]
            == splits.loc[splits["transform"] == "none", "threshold"]).all()
    imputer = pipe.named_steps["impute"]
    assert (splits["impute_value"] == imputer.statistics_[splits["feature_position"].to_numpy() - 1]).all()
    assert (splits["null_goes_left"] == (splits["impute_value"] <= splits["threshold"])).all()


def test_pass_through_and_binned_features_both_split(fitted):
    """visits/kids pass through the binner (midpoint thresholds), monetary/recency_days/score are binned."""
    _, pipe, nodes, _ = fitted[1]
    binner = pipe.named_steps["bin"]
    used = set(nodes.loc[~nodes["is_leaf"], "feature_name"])
    passed = {f for f, thr in zip(FEATURES, binner.thresholds_) if thr is None}
    assert {"visits", "kids"} <= passed and used & passed and used - passed


def test_raw_thresholds_of_log1p():
    t = np.array([-0.5, 0.0, np.log(1 + 3.0), 1.2345, np.inf])
    raw = _raw_thresholds(t, "log1p")
    assert raw[0] == -np.inf and raw[-1] == np.inf
    assert raw[2] >= 3.0
    f = lambda x: np.log(1.0 + np.maximum(np.asarray(x, dtype=float), 0.0))  # noqa: E731
    for r, thr in zip(raw[1:-1], t[1:-1]):
        assert f(r) <= thr < f(np.nextafter(r, np.inf))


def test_empty_table_and_bad_input():
    empty = empty_tree_nodes_table()
    assert list(empty.columns) == TREE_NODE_COLUMNS and len(empty) == 0
    with pytest.raises(ValueError, match="empty"):
        predict_proba_from_tree_nodes(empty, {"x": [1.0]})
    with pytest.raises(ValueError, match="thresholds"):
        predict_proba_from_tree_nodes(empty, {"x": [1.0]}, thresholds="binned")


def test_missing_feature_column_is_an_error(fitted):
    _, _, nodes, rows = fitted[0]
    used = nodes.loc[~nodes["is_leaf"], "feature_name"].iloc[0]
    with pytest.raises(ValueError, match=used):
        predict_proba_from_tree_nodes(nodes, rows.drop(columns=[used]))


def _single_leaf_table() -> pd.DataFrame:
    t = empty_tree_nodes_table()
    rows = pd.DataFrame({"tree_id": [0, 1], "node_id": [0, 0], "depth": [0, 0], "is_leaf": [True, True],
                         "leaf_value": [0.25, -0.5], "baseline": [-0.1, -0.1], "link": ["logit", "logit"]})
    return pd.concat([t, rows], ignore_index=True).astype(t.dtypes.to_dict())


def test_trees_without_splits_score_their_leaf():
    p = predict_proba_from_tree_nodes(_single_leaf_table(), {"monetary": [1.0, None]})
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-(-0.1 + 0.25 - 0.5))), rtol=0, atol=1e-15)


@pytest.fixture(scope="module")
def sql_db(fitted, tmp_path_factory):
    """A DuckDB file with the rows to score (features; features_int: the training rows with integer-typed
    columns) and node tables nodes_<case>; plus one dbt target folder, so the module's second dbt run
    reuses the parsed project (same profile)."""
    import duckdb

    root = tmp_path_factory.mktemp("trees_sql")
    db = root / "trees.duckdb"
    features = fitted[0][3].copy()
    features.insert(0, "customer_id", [f"c{i:05d}" for i in range(len(features))])
    sql_features = features.astype({c: "Float64" for c in FEATURES})  # SQL nulls, not NaN
    for c in FEATURES:
        sql_features.loc[features[c].isna(), c] = pd.NA
    n_train = len(_training_rows()[0])
    cases = {"g0": fitted[0][2], "g1": fitted[1][2], "leaf": _single_leaf_table(), "empty": empty_tree_nodes_table(),
             "g0_int": fitted[0][2]}
    with duckdb.connect(str(db)) as con:
        con.register("features_df", sql_features)
        con.execute("create table features as select * from features_df")
        con.execute(f"create table features_int as select * replace (cast(kids as bigint) as kids, "
                    f"cast(visits as integer) as visits) from features where customer_id < 'c{n_train:05d}'")
        assert con.execute("select count(*) from features where monetary is null").fetchall()[0][0] > 0
        assert con.execute("select typeof(kids) from features_int limit 1").fetchall()[0][0] == "BIGINT"
        for name, table in cases.items():
            con.register("nodes_df", table)
            con.execute(f"create table nodes_{name} as select * from nodes_df")
            con.unregister("nodes_df")
    return {"db": db, "target": root / "target", "features": features, "n_train": n_train, "cases": cases}


def _dbt_compile(repo_root, sql_db, inline) -> subprocess.CompletedProcess:
    from custseg.dbt_runner import dbt_env

    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run([str(dbt), "--quiet", "compile", "--inline", inline, "--output", "json"],
                          cwd=repo_root, env=dbt_env(sql_db["db"], sql_db["target"]), capture_output=True, text=True)


@pytest.mark.slow
def test_sql_macro_equals_the_reference_on_duckdb(sql_db, repo_root):
    import duckdb

    features, n_train, cases = sql_db["features"], sql_db["n_train"], sql_db["cases"]
    feature_list = json.dumps(FEATURES).replace('"', "'")
    inline = " union all ".join(
        f"select '{name}' as case_name, customer_id, tree_probability from ("
        + ("{{ score_response_trees('features" + ("_int" if name.endswith("_int") else "") + "', 'nodes_" + name + "'"
           + (", feature_names=" + feature_list if name != "g1" else "") + ") }}")  # g1: names from the table
        + ") as scored_" + name
        for name in cases)
    proc = _dbt_compile(repo_root, sql_db, inline)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    sql = json.loads(proc.stdout)["compiled"]
    with duckdb.connect(str(sql_db["db"]), read_only=True) as con:
        scored = con.execute(sql).df()
        columns = con.execute(f"describe {sql}").df()
    assert dict(zip(columns["column_name"], columns["column_type"])) == {
        "case_name": "VARCHAR", "customer_id": "VARCHAR", "tree_probability": "DOUBLE"}
    assert (scored["case_name"] == "empty").sum() == 0
    for name in ("g0", "g1", "leaf", "g0_int"):
        rows = features.iloc[:n_train] if name.endswith("_int") else features
        got = scored[scored["case_name"] == name].set_index("customer_id")["tree_probability"]
        assert len(got) == len(rows) and got.index.is_unique
        expected = predict_proba_from_tree_nodes(cases[name], rows)
        np.testing.assert_allclose(got.reindex(rows["customer_id"]).to_numpy(), expected, rtol=0, atol=1e-9)


@pytest.mark.slow
def test_sql_macro_rejects_feature_names_that_do_not_match_the_table(sql_db, repo_root):
    reordered = [FEATURES[1], FEATURES[0], *FEATURES[2:]]
    inline = "{{ score_response_trees('features', 'nodes_g0', feature_names=" + json.dumps(reordered) + ") }}"
    proc = _dbt_compile(repo_root, sql_db, inline.replace('"', "'"))
    assert proc.returncode != 0
    assert "is not the" in proc.stdout + proc.stderr
