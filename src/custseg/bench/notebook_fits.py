"""The notebook approach's fits: k chosen the way the public notebooks choose it.

The public RFM notebooks scale every customer, then loop k over a range, fit k-means on
every customer for each k and call ``silhouette_score(X_scaled, labels)`` on every customer.
That silhouette is quadratic in the number of customers. An example in public code is the
repository Edna-soso/DataAnalysis_Project, file ``Model/K-Mean.py``
(``for num_clusters in range_n_clusters: kmeans.fit(rfm_df_scaled);
silhouette_avg = silhouette_score(rfm_df_scaled, cluster_labels)``). The widely copied upGrad
Online Retail RFM notebook does the same.

:func:`notebook_fits` does this with the project's settings for the sample data set. The
features and log1p transforms come from the seed ``model_feature_sets``. The k range,
``n_init``, ``random_state`` and the rule that picks k (``choose_k``) are the project's.
Missing values get the column median and negatives are clipped to 0 before log1p, as the
project does, so both approaches cluster the same matrix. The sample settings use no PCA.
The k-means and the silhouette use the libraries' default threads (both cores), as a notebook does;
that is in the notebook's favour (the project fits on one thread per model). The differences from the project
are that the per-k fits and the silhouette use every customer, not 50,000 and 10,000 sampled
rows, and that the final k-means is refitted after the loop.

The population comparison and the response classifier search are **the project's own**
(the same calls as :func:`custseg.bench.fits.run_fits`). That is conservative in the
notebook's favour, because a notebook would not do less work there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from custseg.bench.fits import feature_sets
from custseg.segmentation.k_selection import choose_k
from custseg.segmentation.settings import feature_set, fit_options, resolve_settings

K_SELECTION_STAGE = "customer k selection (silhouette on every customer)"


def notebook_fits(features: pd.DataFrame, training: pd.DataFrame, population: pd.DataFrame,
                  on_stage: Callable[[str], None] | None = None) -> dict:
    """Customer k-means the notebook way, then the project's population and response fits.

    ``on_stage(name)`` (optional) is called when the customer k selection ends
    (:data:`K_SELECTION_STAGE`) and when the remaining fits end (``"other fits"``: the final
    k-means, the population comparison and the response model), so the caller can time each.
    """
    from custseg.bench.fits import population_fit, response_fits

    seeds = feature_sets()
    settings = resolve_settings("sample", None, feature_set(seeds, "sample", "segmentation"))
    opts = fit_options(settings)

    X = features[settings["features"]].astype("float64")
    X[settings["log1p"]] = np.log1p(X[settings["log1p"]].clip(lower=0))
    X = X.fillna(X.median())
    X_scaled = StandardScaler().fit_transform(X)

    rows = []
    for k in opts["k_range"]:
        kmeans = KMeans(n_clusters=k, n_init=opts["n_init"], random_state=opts["random_state"]).fit(X_scaled)
        labels = kmeans.labels_
        rows.append({"k": k, "inertia": kmeans.inertia_,
                     "silhouette": silhouette_score(X_scaled, labels),  # every customer, no sample_size
                     "davies_bouldin": davies_bouldin_score(X_scaled, labels),
                     "calinski_harabasz": calinski_harabasz_score(X_scaled, labels)})
    k = choose_k(pd.DataFrame(rows), opts["fixed_k"], opts["silhouette_tolerance"])
    if on_stage:
        on_stage(K_SELECTION_STAGE)
    KMeans(n_clusters=k, n_init=opts["n_init"], random_state=opts["random_state"]).fit(X_scaled)

    population_centroids = population_fit(population, seeds)
    response = response_fits(training, seeds)
    if on_stage:
        on_stage("other fits")
    return {"k": int(k), "roc_auc": response["roc_auc"],
            "population_segments": int(population_centroids["segment_id"].nunique()),
            "silhouette_rows": int(len(X_scaled))}
