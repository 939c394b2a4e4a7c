-- The labeled customers the response candidates are cross-validated and refitted on (response_cv_predictions,
-- response_logit_coefficients, response_tree_nodes, response_feature_importance): every labeled row of
-- response_training_set up to var response_fit_rows, else that many, in the order of the MD5 of customer_id (a
-- uniform sample, the same rows on every engine). The fits read this bounded table, never the whole training set;
-- every customer is scored in SQL (response_scores).
{{ config(materialized='view') }}

select *
from {{ ref('response_training_set') }}
where is_labeled
{{ uniform_sample('customer_id', var('response_fit_rows')) }}
