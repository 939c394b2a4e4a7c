"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): fit and predictions.

A customer buys at rate lambda ~ Gamma(r, alpha) while alive and dies after each purchase with probability
p ~ Beta(a, b). Its data are x (repeat purchases), t_x (time of the last purchase) and T (age), all measured
from the first purchase, in the fit's time unit.

The fit maximizes the log-likelihood of section 7 of the paper, written as lifetimes 0.11.3 writes it
(``BetaGeoFitter``): the mean negative log-likelihood over customers, plus ``penalizer * sum(params**2)`` (an
L2 penalty on the parameters with time rescaled so that the largest T is 1), minimized by BFGS over the log
parameters from the start ``log(params) = 0.1`` with an analytic gradient. So on the same data it finds
lifetimes' optimum (tested). Where the optimum lies on the edge of the parameter space (e.g. ``a -> 0``: no
customer ever drops out), the objective is flat and lifetimes stops with "did not converge"; this fit accepts
the point when its gradient is below GRADIENT_TOLERANCE, and otherwise refits with L-BFGS-B keeping each log
parameter in ``[-LOG_BOUND, LOG_BOUND]``, saying which parameter reached the bound (``at_bound``).

Predictions (p(alive), conditional expected purchases) are the reference that the SQL of ``customer_clv``
is tested against; the hypergeometric function is summed as a series whose factors avoid the cancellation
that scipy.special.hyp2f1 suffers next to the edge (:func:`euler_series_tail`; tested against scipy where that is
well conditioned, and against an exact evaluation in decimals where it is not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

PARAMETERS = ("r", "alpha", "a", "b")
LOG_BOUND = 30.0  # |log(parameter)| at most this (e^30 ~ 1e13): the edge of the parameter space
START = 0.1  # lifetimes' start: every log parameter 0.1
TOLERANCE = 1e-7  # lifetimes' default tol of scipy.optimize.minimize
# The bounded fallback, and the test of convergence: the optimizer met its own test, or the gradient in the log
# parameters (projected on the bounds) is this small. Near an edge the objective is flat, and BFGS may stop with
# "precision loss" at a point that meets it (lifetimes then raises "did not converge").
EDGE_OPTIONS = {"ftol": 1e-12, "gtol": 1e-8, "maxiter": 10_000}
GRADIENT_TOLERANCE = 1e-5
SERIES_MAX_TERMS = 100_000  # euler_series_tail: NaN rather than a series cut short


@dataclass(frozen=True)
class Fit:
    """A fitted model: parameters by name (alpha in the caller's time unit) and how the optimizer ended."""

    params: dict[str, float]
    customers: int
    negative_log_likelihood: float  # the minimized objective (mean NLL + penalty), in the scaled time
    converged: bool
    iterations: int
    at_bound: tuple[str, ...]
    message: str


def _as_arrays(frequency, recency, age) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    T = np.asarray(age, dtype=float)
    if not (x.shape == t_x.shape == T.shape) or x.ndim != 1:
        raise ValueError("frequency, recency and T must be 1-d arrays of the same length")
    if len(x) == 0:
        raise ValueError("no customers to fit")
    if np.any(~np.isfinite(x) | ~np.isfinite(t_x) | ~np.isfinite(T)):
        raise ValueError("frequency, recency and T must be finite (no nulls)")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency must be a whole number >= 0")
    if np.any(t_x < 0) or np.any(t_x > T):
        raise ValueError("recency must be between 0 and T")
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("recency must be 0 where frequency is 0")
    return x, t_x, T


def objective(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray,
              penalizer: float) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (weighted) plus the L2 penalty, and its gradient in the log parameters."""
    r, alpha, a, b = np.exp(log_params)
    has_repeat = x > 0
    b_x = b + (np.maximum(x, 1) - 1)  # b + x - 1 without the cancellation of (b + 1) - 1 when b is tiny
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    A4 = np.log(a) - np.log(b_x) - (r + x) * np.log(alpha + t_x)
    top = np.where(has_repeat, np.maximum(A3, A4), A3)
    e3 = np.exp(A3 - top)
    e4 = np.where(has_repeat, np.exp(np.where(has_repeat, A4, A3) - top), 0.0)
    ll = A1 + A2 + np.log(e3 + e4) + top
    w3 = e3 / (e3 + e4)  # posterior weight of "alive at T"
    w4 = 1.0 - w3
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + t_x)
    d_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + t_x)
    d_a = digamma(a + b) - digamma(a + b + x) + w4 / a
    d_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - w4 / b_x
    total = weights.sum()
    params = np.array([r, alpha, a, b])
    grad_ll = np.array([(weights * d).sum() for d in (d_r, d_alpha, d_a, d_b)]) / total
    value = -(weights * ll).sum() / total + penalizer * (params ** 2).sum()
    gradient = -grad_ll * params + 2.0 * penalizer * params ** 2
    return float(value), gradient


def _projected_gradient(log_params: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """The gradient without the components that push a parameter on its bound further out."""
    pinned = ((log_params <= -LOG_BOUND + 1e-9) & (gradient > 0)) | ((log_params >= LOG_BOUND - 1e-9) & (gradient < 0))
    return np.where(pinned, 0.0, gradient)


def minimize_log_params(objective_fn, size: int, args: tuple) -> tuple[np.ndarray, float, bool, int, str]:
    """Minimize ``objective_fn`` (value and gradient) over log parameters: BFGS from ``START`` as lifetimes does;
    when that fails or leaves ``[-LOG_BOUND, LOG_BOUND]``, L-BFGS-B within those bounds. Returns the log
    parameters, the objective, whether it converged (GRADIENT_TOLERANCE), the iterations and the message."""
    start = np.full(size, START)
    result = minimize(objective_fn, start, args=args, jac=True, method="BFGS", tol=TOLERANCE)
    gradient = objective_fn(result.x, *args)[1]
    inside = bool(np.all(np.abs(result.x) <= LOG_BOUND))
    converged = inside and (result.success or float(np.max(np.abs(gradient))) <= GRADIENT_TOLERANCE)
    if not converged:
        result = minimize(objective_fn, start, args=args, jac=True, method="L-BFGS-B",
                          bounds=[(-LOG_BOUND, LOG_BOUND)] * size, options=EDGE_OPTIONS)
        gradient = _projected_gradient(result.x, objective_fn(result.x, *args)[1])
        converged = bool(result.success or float(np.max(np.abs(gradient))) <= GRADIENT_TOLERANCE)
    log_params = np.clip(result.x, -LOG_BOUND, LOG_BOUND)
    return log_params, float(result.fun), converged, int(result.nit), str(result.message)


def fit(frequency, recency, age, penalizer: float = 0.0) -> Fit:
    """Fit r, alpha, a, b to the customers' (x, t_x, T); alpha in the unit of ``recency`` and ``age``."""
    x, t_x, T = _as_arrays(frequency, recency, age)
    if penalizer < 0:
        raise ValueError(f"penalizer must be >= 0, got {penalizer}")
    # Customers with the same (x, t_x, T) contribute the same term: fit the distinct patterns, weighted.
    patterns, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    scale = 1.0 / T.max()  # as lifetimes: time rescaled so that the largest T is 1
    args = (patterns[:, 0], patterns[:, 1] * scale, patterns[:, 2] * scale, counts.astype(float), penalizer)
    log_params, value, converged, iterations, message = minimize_log_params(objective, 4, args)
    r, alpha, a, b = np.exp(log_params)
    at_bound = tuple(name for name, v in zip(PARAMETERS, log_params) if abs(v) >= LOG_BOUND - 1e-9)
    return Fit(params={"r": float(r), "alpha": float(alpha / scale), "a": float(a), "b": float(b)},
               customers=int(len(x)), negative_log_likelihood=value, converged=converged, iterations=iterations,
               at_bound=at_bound, message=message)


def probability_alive(params: dict[str, float], frequency, recency, age) -> np.ndarray:
    """P(alive at T | x, t_x, T) (Fader, Hardie & Lee, note 021): 1 without repeat purchases."""
    r, alpha, a, b = (params[k] for k in PARAMETERS)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
    log_odds_dead = np.log(a / (b + (np.maximum(x, 1) - 1))) + (r + x) * np.log((alpha + T) / (alpha + t_x))
    with np.errstate(over="ignore"):
        return np.where(x > 0, 1.0 / (1.0 + np.exp(log_odds_dead)), 1.0)


def euler_series_tail(params: dict[str, float], frequency, z, max_terms: int = SERIES_MAX_TERMS) -> np.ndarray:
    """F - 1, where F = 2F1(a+b-1-r, a-1; a+b+x-1; z), the series sum_k (A)_k (B)_k / ((C)_k k!) z^k summed term by term.

    Not scipy.special.hyp2f1: that takes C = a+b+x-1 as one double, and where a fit lands next to the edge
    (a, b -> 0) C sits next to the pole at -1 for x = 0, so C + 1 = a + b keeps only the digits of a + b that
    survive the subtraction of 1 (at a = 2e-10, b = 8e-9 scipy's result is off by 1.2e-9 relative). Here every
    factor is formed from the parameters without that cancellation: A + k = (a + b - r) + (k - 1),
    B + k = a + (k - 1), C + k = (a + b) + (x + k - 1); macro score_clv (SQL) forms them the same way. Sums
    until the terms, past the last negative factor, are below 1e-20 of the sum; NaN where C is a non-positive
    whole number (F undefined) or the series has not converged after ``max_terms`` terms."""
    r, a, b = params["r"], params["a"], params["b"]
    x = np.asarray(frequency, dtype=float)
    z = np.asarray(z, dtype=float)
    x, z = np.broadcast_arrays(x, z)
    patterns, inverse = np.unique(np.column_stack([x.ravel(), z.ravel()]), axis=0, return_inverse=True)
    px, pz = patterns[:, 0], patterns[:, 1]
    term = np.ones(len(patterns))
    total = np.zeros(len(patterns))  # the terms k >= 1
    undefined = np.zeros(len(patterns), dtype=bool)
    last_negative = max(0.0, -(a + b - 1 - r), -(a - 1))
    converged = np.zeros(len(patterns), dtype=bool)
    for k in range(max_terms):
        factor_c = (a + b) + (px + (k - 1))
        undefined |= factor_c == 0
        term = term * (((a + b - r) + (k - 1)) * (a + (k - 1))) / (np.where(factor_c == 0, 1.0, factor_c) * (k + 1)) * pz
        total = total + term
        past = (k + 1 > last_negative) & (k + 1 > -(a + b + px - 1))
        converged |= past & (np.abs(term) <= 1e-20 * np.maximum(1.0, np.abs(total + 1.0)))
        if converged.all():
            break
    out = np.where(undefined | ~converged, np.nan, total)
    return out[inverse].reshape(x.shape)


def expected_purchases(params: dict[str, float], t, frequency, recency, age) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T], equation (10) of the paper.

    The Gauss hypergeometric function is taken in Euler's form,
    2F1(r+x, b+x; a+b+x-1; z) (1-z)^(r+x) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),  z = t / (alpha+T+t),
    whose series converges quickly for every x (the form the SQL sums): :func:`euler_series_tail`.
    """
    r, alpha, a, b = (params[k] for k in PARAMETERS)
    x, T = (np.asarray(v, dtype=float) for v in (frequency, age))
    t = np.asarray(t, dtype=float)
    z = t / (alpha + T + t)
    hyp = 1.0 + euler_series_tail(params, x, z)
    bracket = 1.0 - np.exp((a - 1) * np.log1p(-z)) * hyp
    return ((a + b) + (x - 1)) / (a - 1) * bracket * probability_alive(params, frequency, recency, age)
