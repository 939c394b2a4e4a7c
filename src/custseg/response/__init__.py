"""Campaign-response classifier: the tested logic behind the ``response_*`` dbt Python models.

One idea per module:

- :mod:`.inputs`      validate a customer table (id, numeric features, 0/1/null label) into arrays
- :mod:`.candidates`  the candidate pipelines (regularized logistic regression, gradient boosting) and grids
- :mod:`.metrics`     the metric definitions (ROC-AUC, PR-AUC, log loss, Brier, top-decile lift, hits in top 20%)
- :mod:`.evaluate`    stratified cross-validation of every candidate, out-of-fold predictions
- :mod:`.deciles`     deterministic deciles (1 = highest 10 %, ties broken by customer_id)
- :mod:`.gains`       the gains / lift table by decile
- :mod:`.targets`     the campaign target list (top N or top share of a population)
- :mod:`.explain`     permutation importance, the logistic coefficient table and its pure-Python scorer
- :mod:`.fit`         the whole run: validate, cross-validate, choose, refit, score, explain

Everything is deterministic: rows are sorted by customer_id before anything else, every estimator and
splitter gets a fixed ``random_state``, and ties are broken by customer_id.
"""

from custseg.response.candidates import Candidate, default_candidates
from custseg.response.deciles import assign_deciles
from custseg.response.explain import (
    logit_coefficients_table,
    permutation_importance_table,
    predict_proba_from_coefficients,
)
from custseg.response.fit import ResponseModelResult, empty_table, fit_response_model, TABLE_COLUMNS
from custseg.response.gains import gains_table
from custseg.response.inputs import ResponseData, ResponseInputError, prepare_response_data
from custseg.response.targets import campaign_targets

__all__ = [
    "Candidate",
    "ResponseData",
    "ResponseInputError",
    "ResponseModelResult",
    "TABLE_COLUMNS",
    "assign_deciles",
    "campaign_targets",
    "default_candidates",
    "empty_table",
    "fit_response_model",
    "gains_table",
    "logit_coefficients_table",
    "permutation_importance_table",
    "predict_proba_from_coefficients",
    "prepare_response_data",
]
