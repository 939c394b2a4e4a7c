"""The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's note 025).

A customer's purchases are worth z ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers, independent of the
purchase process. Its data are x (repeat purchases, > 0) and m (their mean value). The fit minimizes the mean
negative log-likelihood plus ``penalizer * sum(params**2)``, over the log parameters from ``log = 0.1``, as
lifetimes 0.11.3's ``GammaGammaFitter`` does (same optimum on the same data, tested), with an analytic gradient
and the same bounded fallback as the BG/NBD fit.

The expected spend per purchase of a customer is the weighted mean
``(1 - w) * v p / (q - 1) + w * m``, ``w = p x / (p x + q - 1)``: the population mean for a customer
without repeat purchases. It exists when q > 1.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from custseg.clv.bgnbd import LOG_BOUND, Fit, minimize_log_params

PARAMETERS = ("p", "q", "v")


def objective(log_params: np.ndarray, x: np.ndarray, m: np.ndarray, penalizer: float) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood plus the L2 penalty, and its gradient in the log parameters."""
    p, q, v = np.exp(log_params)
    px = p * x
    log_xm_v = np.log(x * m + v)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x)
          - (px + q) * log_xm_v)
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - log_xm_v)
    d_q = digamma(px + q) - digamma(q) + np.log(v) - log_xm_v
    d_v = q / v - (px + q) / (x * m + v)
    params = np.array([p, q, v])
    grad_ll = np.array([d.mean() for d in (d_p, d_q, d_v)])
    value = -ll.mean() + penalizer * (params ** 2).sum()
    return float(value), -grad_ll * params + 2.0 * penalizer * params ** 2


def fit(frequency, monetary_value, penalizer: float = 0.0) -> Fit:
    """Fit p, q, v to customers with repeat purchases (x > 0) and their mean repeat-purchase value m > 0."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    if x.shape != m.shape or x.ndim != 1:
        raise ValueError("frequency and monetary_value must be 1-d arrays of the same length")
    if len(x) == 0:
        raise ValueError("no customers with repeat purchases to fit the Gamma-Gamma model on")
    if np.any(~np.isfinite(x) | ~np.isfinite(m)) or np.any(x <= 0) or np.any(m <= 0):
        raise ValueError("the Gamma-Gamma model needs frequency > 0 and monetary_value > 0 (finite)")
    if penalizer < 0:
        raise ValueError(f"penalizer must be >= 0, got {penalizer}")
    log_params, value, converged, iterations, message = minimize_log_params(objective, 3, (x, m, penalizer))
    at_bound = tuple(name for name, v in zip(PARAMETERS, log_params) if abs(v) >= LOG_BOUND - 1e-9)
    return Fit(params=dict(zip(PARAMETERS, map(float, np.exp(log_params)))), customers=int(len(x)),
               negative_log_likelihood=value, converged=converged, iterations=iterations, at_bound=at_bound,
               message=message)


def expected_order_value(params: dict[str, float], frequency, monetary_value) -> np.ndarray:
    """E[spend per purchase | x, m]; NaN when q <= 1 (the population mean does not exist)."""
    p, q, v = (params[k] for k in PARAMETERS)
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    if q <= 1:
        return np.full(x.shape, np.nan)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * v * p / (q - 1) + weight * m
