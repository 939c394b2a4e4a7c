-- One row per customer: every input of the segmentation and response models at the current as-of
-- date (the same date as customer_rfm). The same columns for every data set; a measure the data set
-- lacks is null. Column meanings, units and transforms are documented in _features__models.yml.
with features as (
    select * from {{ ref('int_customer_features__snapshots') }}
    where snapshot_name = 'current'
),

final as (
    select
        features.customer_id,  -- noqa: CV03
        {{ columns_except(ref('int_customer_features__snapshots'), ['customer_id', 'snapshot_name'], 'features') }}
    from features
)

select * from final
