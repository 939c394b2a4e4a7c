-- Clean customer profiles: one row per customer, with the demographics the source has.
-- Implausible values are blanked (null) and flagged rather than the customer dropped.
with classified as (
    select * from {{ ref('int_customers__classified') }}
),

final as (
    select
        customer_id,
        person_id,
        education,
        clean_marital_status as marital_status,
        region,
        case when not is_birth_year_outlier then birth_year end as birth_year,
        children,
        teens,
        household_size,
        case when not is_income_outlier then income end as income,
        is_income_missing,
        is_income_outlier,
        is_birth_year_outlier,
        has_odd_marital_status,
        source_name,
        source_file,
        source_row,
        customer_since
    from classified
    where reject_reason is null
)

select * from final
