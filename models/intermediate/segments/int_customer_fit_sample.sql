-- The customers the segmentation is fitted on (segment_k_selection, segment_centroids): every row of
-- customer_features up to var customer_fit_rows, else that many, in the order of the MD5 of customer_id (a uniform
-- sample, the same rows on every engine). The fits read this bounded table, never the whole feature table, so a
-- fit's memory does not grow with the customers; every customer is assigned in SQL (customer_segments).
{{ config(materialized='view') }}

select *
from {{ ref('customer_features') }}
{{ uniform_sample('customer_id', var('customer_fit_rows')) }}
