-- Each raw customer profile with one flag per cleaning rule and the single reason it is rejected,
-- if any. Rows are rejected only when unusable (unparseable, no id, a repeated id); implausible
-- values (birth year before 1901, income 666,666) and nonsense marital statuses (Absurd, YOLO)
-- are blanked in the clean table and flagged, so the customer is kept.
with customers as (
    select * from {{ ref('int_customers') }}
),

marital_status_map as (
    select * from {{ ref('marital_status_map') }}
),

flagged as (
    select
        customers.*,
        {{ clean_marital_status('customers.marital_status', 'marital_status_map') }} as clean_marital_status,
        {{ is_missing_customer('customers.customer_id') }} as is_missing_customer,
        row_number() over (
            partition by customers.customer_id order by customers.source_file, customers.source_row
        ) > 1 as is_duplicate_customer,
        customers.income is null as is_income_missing,
        {{ is_implausible('customers.income', 'income') }} as is_income_outlier,
        {{ is_implausible('customers.birth_year', 'birth_year') }} as is_birth_year_outlier,
        coalesce(marital_status_map.is_odd_value, false) as has_odd_marital_status
    from customers
    left join marital_status_map on trim(customers.marital_status) = marital_status_map.source_value
),

classified as (
    select
        *,
        case
            when parse_error is not null then parse_error
            when is_missing_customer then 'missing_customer_id'
            when is_duplicate_customer then 'duplicate_customer_id'
        end as reject_reason
    from flagged
)

select * from classified
