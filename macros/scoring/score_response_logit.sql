{#-
    score_response_logit(features_relation, coefficients_relation, id_column='customer_id', feature_names=none)

    A select statement that scores every row of `features_relation` with the logistic response model stored
    in `coefficients_relation` (the `response_logit_coefficients` table), in portable SQL:

        x'_f = coalesce(transform_f(x_f), impute_value_f)
               transform 'log1p' = ln(1 + x) for x > 0, 0 for x <= 0 (null stays null); 'none' = x
        z    = intercept + sum over features, in feature_position order, of coefficient_f * (x'_f - scaler_mean_f) / scaler_scale_f
        p    = 1 / (1 + exp(-z))   (written as exp(z) / (1 + exp(z)) for z < 0, so exp never overflows)

    Returns columns <id_column>, logit_probability. Only the feature names are needed at compile time (read
    from the coefficients table, or given as `feature_names`); every number is data, so a refit model scores
    new customers without recompiling. Reference implementation: custseg.response.explain.
    predict_proba_from_coefficients; agreement with Python (1e-9): tests/response/.
-#}
{% macro score_response_logit(features_relation, coefficients_relation, id_column='customer_id', feature_names=none) -%}
    {%- if feature_names is none -%}
        {%- set feature_names = [] -%}
        {%- if execute -%}
            {%- set rows = run_query(
                "select feature_name from " ~ coefficients_relation
                ~ " where feature_position > 0 order by feature_position") -%}
            {%- set feature_names = rows.columns[0].values() | list -%}
        {%- endif -%}
    {%- endif -%}
    {%- set float = scoring_double() -%}
    {%- if feature_names | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as {{ id_column }},
        cast(null as {{ float }}) as logit_probability
    where 1 = 0
    {%- else %}
    with logit_features as (
        select * from {{ features_relation }}
    ),

    logit_coefficients as (
        select * from {{ coefficients_relation }}
    ),

    logit_parameters as (
        select
            max(case when feature_position = 0 then coefficient end) as intercept,
            {%- for f in feature_names %}
            max(case when feature_name = '{{ f }}' then transform end) as transform_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then impute_value end) as impute_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then scaler_mean end) as mean_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then scaler_scale end) as scale_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then coefficient end) as coef_{{ loop.index }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        from logit_coefficients
    ),

    logit_linear as (
        select
            logit_features.{{ id_column }},
            p.intercept
            {%- for f in feature_names %}
            + p.coef_{{ loop.index }} * ((
                coalesce(
                    case
                        when p.transform_{{ loop.index }} = 'log1p' then
                            case
                                when cast(logit_features.{{ f }} as {{ float }}) > 0
                                    then ln(1 + cast(logit_features.{{ f }} as {{ float }}))
                                when logit_features.{{ f }} is not null then 0
                            end
                        else cast(logit_features.{{ f }} as {{ float }})
                    end,
                    p.impute_{{ loop.index }}
                ) - p.mean_{{ loop.index }}
            ) / p.scale_{{ loop.index }})
            {%- endfor %} as linear_score
        from logit_features
        cross join logit_parameters as p
    )

    select
        cast({{ id_column }} as {{ dbt.type_string() }}) as {{ id_column }},
        case
            when linear_score >= 0 then 1 / (1 + exp(-linear_score))
            else exp(linear_score) / (1 + exp(linear_score))
        end as logit_probability
    from logit_linear
    {%- endif %}
{%- endmacro %}
