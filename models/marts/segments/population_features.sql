-- depends_on: {{ ref('coil2000_attributes') }}
{%- set hh_columns = household_attribute_columns() %}
-- One row per member of the general population: the inputs of the population segmentation
-- (population_segment_comparison). Demographics come from population_members; for CoIL 2000,
-- where every household is both a population member and a scored customer (person_id =
-- customer_id), the 85 coded household attributes come from customer_features.
with population_members as (
    select * from {{ ref('population_members') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

as_of as (
    select max(as_of_date) as as_of_date from customer_features
),

final as (
    select
        population_members.person_id,
        population_members.is_customer,
        extract(year from as_of.as_of_date) - population_members.birth_year as age,
        population_members.income,
        population_members.household_size,
        population_members.children
        {%- for position, label in hh_columns %},
        customer_features.hh_{{ label }}
        {%- endfor %}
    from population_members
    cross join as_of
    left join customer_features on population_members.person_id = customer_features.customer_id
)

select * from final
