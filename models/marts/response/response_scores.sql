-- One row per customer of response_training_set, labeled or not: the chosen model's probability of
-- responding to the target campaign, scored in SQL from the stored model (macro score_response_logit over
-- response_logit_coefficients, or score_response_trees over response_tree_nodes, or for a blend the mean of
-- the two), and its decile:
-- ntile(10) over (probability desc, customer_id), 1 = the highest 10 %. Empty without labels.
with response_training_set as (
    select * from {{ ref('response_training_set') }}
),

logit_scored as (
    {{ score_response_logit(ref('response_training_set'), ref('response_logit_coefficients')) }}
),

tree_scored as (
    {{ score_response_trees(ref('response_training_set'), ref('response_tree_nodes')) }}
),

chosen as (
    select distinct candidate
    from {{ ref('response_model_metrics') }}
    where is_chosen
),

scored as (
    select
        response_training_set.customer_id,
        case
            when chosen.candidate = 'hgb' then tree_scored.tree_probability
            when chosen.candidate = 'blend' then (logit_scored.logit_probability + tree_scored.tree_probability) / 2
            else logit_scored.logit_probability
        end as response_probability,
        response_training_set.is_labeled,
        response_training_set.label,
        logit_scored.logit_probability,
        tree_scored.tree_probability,
        chosen.candidate as model
    from response_training_set
    cross join chosen
    left join logit_scored on response_training_set.customer_id = logit_scored.customer_id
    left join tree_scored on response_training_set.customer_id = tree_scored.customer_id
),

final as (
    select
        customer_id,
        response_probability,
        ntile(10) over (order by response_probability desc, customer_id asc) as response_decile,
        is_labeled,
        label,
        logit_probability,
        tree_probability,
        model
    from scored
)

select * from final
