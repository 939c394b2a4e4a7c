"""Settings of the CLV fits in a dbt build: defaults, and how var ``clv`` overrides them.

The dbt Python models pass var ``clv`` (a mapping, optional; JSON text accepted). Keys read here (the fits):

=======================  ========================================================================================
key                      meaning
=======================  ========================================================================================
time_unit_days           the fits' time unit in days (1 = days, 7 = weeks): recency and T are divided by it, and
                         BG/NBD's alpha is per unit. Predictions do not depend on it (lifetimes' fit rescales time)
penalizer                L2 penalty of the BG/NBD fit (lifetimes' penalizer_coef; 0 = maximum likelihood)
gamma_gamma_penalizer    L2 penalty of the Gamma-Gamma fit (0)
fit_sample_size          customers the fits use at most: a fixed random sample of this size (50,000; null = all);
                         every customer is scored in SQL
random_state             seed of that sample (0)
=======================  ========================================================================================

Keys read by SQL only (macro ``clv_setting``, which holds their defaults): ``horizon_days``, ``holdout_days``,
``series_terms``. They never change a fit.
"""

from __future__ import annotations

from collections.abc import Mapping

from custseg.dbt_vars import var_overrides

BASE = {"time_unit_days": 1.0, "penalizer": 0.0, "gamma_gamma_penalizer": 0.0, "fit_sample_size": 50_000,
        "random_state": 0}
SQL_KEYS = frozenset({"horizon_days", "holdout_days", "series_terms"})


def resolve_settings(overrides: Mapping | str | None = None) -> dict:
    """BASE overridden by var ``clv``; unknown keys and out-of-range values raise, naming the key."""
    overrides = var_overrides("clv", overrides, set(BASE) | SQL_KEYS)
    settings = {**BASE, **{k: v for k, v in overrides.items() if k not in SQL_KEYS}}
    for key in ("time_unit_days",):
        if not isinstance(settings[key], (int, float)) or settings[key] <= 0:
            raise ValueError(f"var 'clv': {key} must be a number > 0, got {settings[key]!r}")
    for key in ("penalizer", "gamma_gamma_penalizer"):
        if not isinstance(settings[key], (int, float)) or settings[key] < 0:
            raise ValueError(f"var 'clv': {key} must be a number >= 0, got {settings[key]!r}")
    size = settings["fit_sample_size"]
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise ValueError(f"var 'clv': fit_sample_size must be an integer >= 1 or null, got {size!r}")
    settings["time_unit_days"] = float(settings["time_unit_days"])
    return settings
