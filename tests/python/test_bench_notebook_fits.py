"""The notebook approach's fits (custseg.bench.notebook_fits) on the small generated world: k is chosen with
the silhouette on every customer, and where the project also sees every customer, both choose the same k."""

from __future__ import annotations

from custseg.bench.fits import feature_sets, run_fits
from custseg.bench.notebook import notebook_features
from custseg.bench.notebook_fits import K_SELECTION_STAGE, notebook_fits
from custseg.segmentation.settings import feature_set, fit_options, resolve_settings


def test_notebook_fits_use_every_customer_and_agree_with_the_project_on_a_small_world(small_world):
    features, training, population = notebook_features(small_world)
    settings = resolve_settings("sample", None, feature_set(feature_sets(), "sample", "segmentation"))
    # Premise: the project's samples (silhouette 10,000 rows, per-k fits 50,000) hold every customer here.
    assert features["customer_id"].is_unique and 0 < len(features) <= settings["silhouette_sample_size"]

    stages: list[str] = []
    figures = notebook_fits(features, training, population, on_stage=stages.append)
    assert stages == [K_SELECTION_STAGE, "other fits"]
    assert figures["k"] in fit_options(settings)["k_range"]
    assert figures["silhouette_rows"] == len(features)

    project = run_fits(features, training, population)
    assert figures["k"] == project["k"]
    # The population and response fits are the project's own calls.
    assert (figures["roc_auc"], figures["population_segments"]) == (project["roc_auc"], project["population_segments"])
