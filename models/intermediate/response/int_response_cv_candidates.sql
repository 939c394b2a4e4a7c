-- One row per candidate, CV repeat and cross-validated customer: the out-of-fold probabilities of the fitted
-- candidates (response_cv_predictions) and of the blends, one per pair of a logistic and a boosting candidate:
-- the mean of the two probabilities (both were fitted on the same training folds, so the blend is out of fold
-- too). Blends come after the fitted candidates (positions n + 1, ...; logistic major): the one-standard-error
-- rule prefers earlier, simpler candidates. logit_position and hgb_position name the stored components.
with predictions as (
    select * from {{ ref('response_cv_predictions') }}
),

fitted as (
    select
        candidate_position,
        candidate,
        params,
        cv_repeat,
        fold,
        customer_id,
        label,
        probability,
        case when candidate = 'logit' then candidate_position end as logit_position,
        case when candidate = 'hgb' then candidate_position end as hgb_position
    from predictions
),

positions as (
    select
        max(candidate_position) as last_position,
        count(distinct case when candidate = 'hgb' then candidate_position end) as hgb_candidates
    from predictions
),

families as (
    select distinct
        candidate_position,
        candidate,
        params,
        dense_rank() over (partition by candidate order by candidate_position) as family_rank
    from predictions
),

pairs as (
    select
        logit.candidate_position as logit_position,
        hgb.candidate_position as hgb_position,
        positions.last_position
        + (logit.family_rank - 1) * positions.hgb_candidates + hgb.family_rank as candidate_position,
        {{ dbt.concat(["'{\"hgb\": '", 'hgb.params', "', \"logit\": '", 'logit.params', "'}'"]) }} as params
    from families as logit
    inner join families as hgb on logit.candidate = 'logit' and hgb.candidate = 'hgb'
    cross join positions
),

blends as (
    select
        pairs.candidate_position,
        'blend' as candidate,
        pairs.params,
        logit.cv_repeat,
        logit.fold,
        logit.customer_id,
        logit.label,
        (logit.probability + hgb.probability) / 2 as probability,
        pairs.logit_position,
        pairs.hgb_position
    from pairs
    inner join predictions as logit on pairs.logit_position = logit.candidate_position
    inner join predictions as hgb
        on
            pairs.hgb_position = hgb.candidate_position
            and logit.cv_repeat = hgb.cv_repeat
            and logit.customer_id = hgb.customer_id
),

final as (
    select * from fitted
    union all
    select * from blends
)

select * from final
