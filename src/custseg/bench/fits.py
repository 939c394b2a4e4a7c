"""The machine-learning fits shared by the three approaches of the benchmark.

The notebook approach and the floor call exactly what the project's dbt Python models call,
with the project's settings for the sample data set, so the benchmark compares the data
work around the fits, not different fits.
"""

from __future__ import annotations

import pandas as pd

from custseg.generate.segments import CATEGORIES, CHANNELS

__all__ = ["CATEGORIES", "CHANNELS", "run_fits"]


def run_fits(features: pd.DataFrame, training: pd.DataFrame) -> dict:
    """k-means over the project's k range, then the response-model search; returns small figures."""
    from custseg.response.fit import fit_response_model
    from custseg.segmentation.fit import fit_segments
    from custseg.segmentation.settings import fit_options, resolve_settings

    settings = resolve_settings("sample")
    segments = fit_segments(features[["customer_id", *settings["features"]]], settings["features"],
                            **fit_options(settings))
    response_features = [c for c in training.columns if c not in ("customer_id", "label")
                         and pd.api.types.is_numeric_dtype(training[c])]
    response = fit_response_model(training[["customer_id", "label", *response_features]], label_col="label",
                                  feature_cols=response_features)
    chosen = segments.k_selection.loc[segments.k_selection["is_chosen"], "k"]
    return {"k": int(chosen.iloc[0]) if len(chosen) else None,
            "roc_auc": float(response.metric("roc_auc"))}
