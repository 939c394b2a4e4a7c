"""The project's machine-learning fits, as the floor runs them in the benchmark.

The floor calls exactly what the project's dbt Python models call
(the same entry points of :mod:`custseg.segmentation.dbt_models` and
:mod:`custseg.response.dbt_models`), with the project's settings for the sample data set and
its feature lists (the seed ``seeds/model_feature_sets.csv``): the customer k-means over the
same k range, the population k-means of ``population_segment_comparison`` and the response
classifier search (candidates, folds, permutation importance). The notebook approach uses the
population and response fits from here. Its customer k-means is done the notebook way
(:mod:`custseg.bench.notebook_fits`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from custseg.generate.segments import CATEGORIES, CHANNELS

__all__ = ["CATEGORIES", "CHANNELS", "SEEDS_DIR", "feature_sets", "response_features", "run_fits"]

SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"


def feature_sets() -> pd.DataFrame:
    """The seed model_feature_sets, as the dbt models read it."""
    return pd.read_csv(SEEDS_DIR / "model_feature_sets.csv", dtype=str)


def response_features(dataset: str = "sample") -> list[str]:
    """The response model's feature columns for ``dataset`` (seed rows model = 'response')."""
    seed = feature_sets()
    return sorted(seed.loc[(seed["dataset"] == dataset) & (seed["model"] == "response"), "feature_name"])


def run_fits(features: pd.DataFrame, training: pd.DataFrame, population: pd.DataFrame) -> dict:
    """The project's three fits; returns small figures (chosen k, response ROC AUC, population rows).

    ``features``: customer_id and the segmentation features; ``training``: customer_id, label and the
    response features; ``population``: person_id, is_customer and the population features.
    """
    from custseg.response.dbt_models import response_model
    from custseg.segmentation.dbt_models import customer_segmentation, population_comparison

    seeds = feature_sets()
    segments = customer_segmentation(features, "sample", None, seeds)
    comparison = population_comparison(population, "sample", None, seeds)
    response, _ = response_model(training, "sample", None, seeds)
    return {"k": int(segments.k), "roc_auc": float(response.metric("roc_auc")),
            "population_segments": int(len(comparison))}
