"""The project's machine-learning fits, as the floor runs them in the benchmark.

The floor calls exactly what the project's dbt Python models call
(the entry points of :mod:`custseg.segmentation.models` and :mod:`custseg.response.models`), with the
project's settings for the sample data set and its feature lists (the seed
``seeds/model_feature_sets.csv``): the customer k selection and k-means, the population k-means and
the response classifier's cross-validation and refit of the chosen candidate (chosen here by mean ROC-AUC
over the folds, as response_model_metrics does in SQL). The notebook approach uses the
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
    """The project's fits; returns small figures (chosen k, response ROC AUC, population segments).

    ``features``: customer_id and the segmentation features; ``training``: customer_id, label and the
    response features; ``population``: person_id, is_customer and the population features.
    """
    seeds = feature_sets()
    segments, centroids = customer_fits(features, seeds)
    population_centroids = population_fit(population, seeds)
    response = response_fits(training, seeds)
    return {"k": int(segments.loc[segments["is_chosen"], "k"].iloc[0]), "roc_auc": response["roc_auc"],
            "population_segments": int(population_centroids["segment_id"].nunique())}


def customer_fits(features: pd.DataFrame, seeds: pd.DataFrame):
    from custseg.segmentation.models import segment_centroids, segment_k_selection

    k_selection = segment_k_selection(features, seeds, "sample")
    return k_selection, segment_centroids(features, k_selection, seeds, "sample")


def population_fit(population: pd.DataFrame, seeds: pd.DataFrame) -> pd.DataFrame:
    from custseg.segmentation.models import population_segment_centroids

    return population_segment_centroids(population, seeds, "sample")


def response_fits(training: pd.DataFrame, seeds: pd.DataFrame) -> dict:
    """Cross-validation of every candidate, the choice by mean fold ROC-AUC, and the chosen candidate's refit."""
    from sklearn.metrics import roc_auc_score

    from custseg.response.candidates import Candidate
    from custseg.response.models import inputs, refit, response_cv_predictions

    cv = response_cv_predictions(training, seeds, "sample")
    auc = (cv.groupby(["candidate_position", "candidate", "params", "fold"])
           .apply(lambda g: roc_auc_score(g["label"], g["probability"]), include_groups=False)
           .groupby(level=[0, 1, 2]).mean())
    position, name, params = auc.idxmax()
    import json

    refit(inputs(training, seeds, "sample"), Candidate(name, json.loads(params)))
    return {"roc_auc": float(auc.max()), "candidate_position": int(position)}
