-- Every raw order line of the active data set, in the canonical shape (contract enforced).
-- A view for Parquet sources (the sample world): typed, columnar files are cheap to re-read, and not
-- copying tens of millions of lines saves the biggest write of the build. Text sources (CSV) are parsed
-- once into a table.
{{ config(materialized=('view' if var('dataset', 'sample') == 'sample' else 'table')) }}
select * from {{ canonical('order_lines') }}
