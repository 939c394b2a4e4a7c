-- Household attributes in long form (CoIL 2000: 85 per household) for clean customers,
-- named from the data dictionary. Empty for other data sets.
with attributes as (
    select * from {{ ref('int_household_attributes') }}
),

customers as (
    select customer_id from {{ ref('customers') }}
),

final as (
    select
        attributes.customer_id,
        attributes.attribute_position,
        attributes.attribute_name,
        attributes.attribute_label,
        attributes.value
    from attributes
    inner join customers on attributes.customer_id = customers.customer_id
)

select * from final
