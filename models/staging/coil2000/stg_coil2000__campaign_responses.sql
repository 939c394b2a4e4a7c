-- The caravan-policy mailing of CoIL 2000 (campaign_id caravan_2000): training households carry
-- the outcome (CARAVAN 0/1); evaluation households are the hold-out, responded is null.
with households as (
    select * from {{ ref('stg_coil2000__households') }}
    where parse_error is null
),

responses as (
    select
        source_name,
        source_file,
        source_row,
        customer_id,
        'caravan_2000' as campaign_id,
        case when is_training then caravan end as responded,
        cast(null as date) as mailed_at
    from households
)

select * from responses
