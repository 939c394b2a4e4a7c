"""Input validation of the response model: clear errors that name the column."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from custseg.response import ResponseInputError, fit_response_model, prepare_response_data


def _frame(n=20):
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "customer_id": [f"c{i:03d}" for i in range(n)][::-1],
        "x1": rng.normal(size=n),
        "x2": rng.integers(0, 5, size=n),
        "flag": rng.random(n) < 0.5,
        "segment": ["a", "b"] * (n // 2),
        "label": [0, 1] * (n // 2),
    })


def test_default_features_are_the_numeric_columns_and_rows_are_sorted():
    rd = prepare_response_data(_frame())
    assert rd.feature_names == ("x1", "x2", "flag")
    assert list(rd.customer_id) == sorted(rd.customer_id)
    assert rd.X.dtype == np.float64


def test_pyarrow_input_and_null_labels():
    df = _frame()
    df["label"] = pd.array([0, 1, None, 1] * 5, dtype="Int64")
    rd = prepare_response_data(pa.Table.from_pandas(df), feature_cols=["x1", "x2"])
    assert rd.labeled.sum() == 15
    assert np.isnan(rd.label).sum() == 5


@pytest.mark.parametrize("kwargs, column", [
    ({"label_col": "Response"}, "Response"),
    ({"id_col": "ID"}, "ID"),
    ({"feature_cols": ["x1", "income"]}, "income"),
    ({"feature_cols": ["x1", "segment"]}, "segment"),
])
def test_missing_or_bad_columns_are_named(kwargs, column):
    with pytest.raises(ResponseInputError, match=repr(column)):
        prepare_response_data(_frame(), **kwargs)


@pytest.mark.parametrize("values", [[0, 1, 2, 1], ["0", "1", "0", "1"], [0.0, 0.5, 1.0, 0.0]])
def test_label_values_other_than_0_1_null_are_rejected(values):
    df = _frame()
    df["label"] = values * 5
    with pytest.raises(ResponseInputError, match="label column 'label' must hold only 0, 1 or null"):
        prepare_response_data(df)


def test_label_accepts_bool_and_float_with_nan():
    df = _frame()
    df["label"] = [True, False] * 10
    assert prepare_response_data(df).y_labeled.sum() == 10
    df["label"] = [1.0, np.nan, 0.0, 1.0] * 5
    assert prepare_response_data(df).labeled.sum() == 15


def test_duplicate_and_null_ids_are_rejected():
    df = _frame()
    df.loc[3, "customer_id"] = df.loc[4, "customer_id"]
    with pytest.raises(ResponseInputError, match="'customer_id' has duplicate values"):
        prepare_response_data(df)
    df = _frame()
    df["customer_id"] = df["customer_id"].astype(object)
    df.loc[0, "customer_id"] = None
    with pytest.raises(ResponseInputError, match="'customer_id' has 1 null"):
        prepare_response_data(df)


def test_too_few_positives_for_the_folds_is_a_clear_error():
    df = _frame()
    df["label"] = [0] * 17 + [1] * 3
    with pytest.raises(ValueError, match="at least n_folds=5 labeled customers of each class"):
        fit_response_model(df, feature_cols=["x1"])


def test_no_labeled_rows_gives_empty_tables_with_the_columns():
    df = _frame()
    df["label"] = pd.array([None] * 20, dtype="Int64")
    res = fit_response_model(df, feature_cols=["x1", "x2"])
    for table in (res.metrics, res.scores, res.gains, res.importance, res.coefficients, res.targets(5)):
        assert len(table) == 0 and len(table.columns) > 0
    assert list(res.scores.columns[:3]) == ["customer_id", "response_probability", "response_decile"]
