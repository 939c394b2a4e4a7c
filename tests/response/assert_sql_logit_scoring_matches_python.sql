-- The logistic model scored in SQL (response_scores.logit_probability: macro score_response_logit over
-- response_logit_coefficients) must equal scikit-learn's predict_proba of the refit model
-- (response_scores_python.logit_probability) within 1e-9 for every customer. Zero rows = agreement.
-- Skipped (no rows, a log line) in a build of a selection without every model it reads (macro
-- parents_outside_build).
{%- set outside = parents_outside_build() %}
{%- if outside %}
{{ skipped_test(outside) }}
{%- else %}
{{ probabilities_disagree(ref('response_scores'), ref('response_scores_python'), 'logit_probability') }}
{%- endif %}
