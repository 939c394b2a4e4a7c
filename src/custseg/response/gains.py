"""Gains / lift table by decile.

Built from the chosen model's **out-of-fold** probabilities on the labeled customers, so every customer is
scored by a model that never saw them: the table estimates what a new mailing would achieve.

Columns: decile (1 = best), customers, responders, response_rate, cumulative_customers_share,
cumulative_responders, cumulative_gain (share of all responders found down to this decile; ends at 1.0),
lift (decile response rate / overall rate), cumulative_lift (cumulative rate / overall rate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.response.deciles import assign_deciles

GAINS_COLUMNS = ["decile", "customers", "responders", "response_rate", "cumulative_customers_share",
                 "cumulative_responders", "cumulative_gain", "lift", "cumulative_lift"]


def gains_table(prob: np.ndarray, y: np.ndarray, ids: np.ndarray, buckets: int = 10) -> pd.DataFrame:
    y = np.asarray(y, dtype=np.int64)
    n = len(y)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in GAINS_COLUMNS}).astype(
            {"decile": "int64", "customers": "int64", "responders": "int64", "cumulative_responders": "int64"})
    dec = assign_deciles(prob, ids, buckets)
    customers = np.bincount(dec, minlength=buckets + 1)[1:].astype(np.int64)
    responders = np.bincount(dec, weights=y, minlength=buckets + 1)[1:].round().astype(np.int64)
    total_resp = int(y.sum())
    overall = total_resp / n
    cum_cust = np.cumsum(customers)
    cum_resp = np.cumsum(responders)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(customers > 0, responders / np.maximum(customers, 1), np.nan)
        cum_rate = cum_resp / np.maximum(cum_cust, 1)
        out = pd.DataFrame({
            "decile": np.arange(1, buckets + 1, dtype=np.int64),
            "customers": customers,
            "responders": responders,
            "response_rate": rate,
            "cumulative_customers_share": cum_cust / n,
            "cumulative_responders": cum_resp.astype(np.int64),
            "cumulative_gain": cum_resp / total_resp if total_resp else np.full(buckets, np.nan),
            "lift": rate / overall if overall else np.full(buckets, np.nan),
            "cumulative_lift": cum_rate / overall if overall else np.full(buckets, np.nan),
        })
    return out[GAINS_COLUMNS]
