-- The members of population_features the population's k-means is fitted on (population_segment_centroids):
-- all of them up to var population_fit_rows, else that many, in the order of the MD5 of person_id (a uniform
-- sample, the same rows on every engine). The fit reads this bounded table, never the whole population, so its
-- memory does not grow with the population; every member is assigned in SQL (population_segment_comparison).
{{ config(materialized='view') }}

select *
from {{ ref('population_features') }}
{{ uniform_sample('person_id', var('population_fit_rows')) }}
