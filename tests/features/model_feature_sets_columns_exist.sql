-- depends_on: {{ ref('customer_features') }}
-- depends_on: {{ ref('response_training_set') }}
-- Fails on every feature the seed model_feature_sets lists for the data set being built that the table the
-- model reads lacks (customer_features for segmentation and population, response_training_set for response),
-- including the log1p_<feature> column a log1p transform needs, and on features listed twice.
-- Skipped (no rows, a log line) in a build of a selection without every model it reads (macro
-- parents_outside_build).
{%- set outside = parents_outside_build() %}
{%- if outside %}
{{ skipped_test(outside) }}
{%- else %}
{%- set features_columns = [] %}
{%- set training_columns = [] %}
{%- if execute %}
    {%- set features_columns = adapter.get_columns_in_relation(ref('customer_features'))
        | map(attribute='name') | map('lower') | list %}
    {%- set training_columns = adapter.get_columns_in_relation(ref('response_training_set'))
        | map(attribute='name') | map('lower') | list %}
{%- endif %}
with feature_sets as (
    select * from {{ ref('model_feature_sets') }}
    where dataset = '{{ var("dataset") }}'
),

available as (
    {%- for column in features_columns %}
    select 'customer_features' as table_name, '{{ column }}' as column_name
    union all
    {%- endfor %}
    {%- for column in training_columns %}
    select 'response_training_set' as table_name, '{{ column }}' as column_name
    union all
    {%- endfor %}
    select 'none' as table_name, 'none' as column_name
),

needed as (
    select
        model,
        feature_name,
        case when model = 'response' then 'response_training_set' else 'customer_features' end as table_name,
        case when transform = 'log1p' then 'log1p_' || feature_name else feature_name end as column_name
    from feature_sets
),

missing as (
    select needed.model, needed.feature_name, needed.table_name, needed.column_name, 'missing column' as problem
    from needed
    left join available
        on needed.table_name = available.table_name
        and needed.column_name = available.column_name
    where available.column_name is null
),

duplicated as (
    select model, feature_name, 'listed' as table_name, 'twice' as column_name, 'duplicate feature' as problem
    from feature_sets
    group by model, feature_name
    having count(*) > 1
)

select * from missing
union all
select * from duplicated
{%- endif %}
