{#-
    assign_segment(features_relation, centroids_relation, id_column='customer_id', feature_names=none)

    A select statement that scores every row of `features_relation` with the k-means model stored in
    `centroids_relation` (the `segment_centroids` table), in portable SQL:

        z_f  = (coalesce(transform_f(x_f), impute_value_f) - scaler_mean_f) / scaler_scale_f
               transform 'log1p' = ln(1 + x) for x > 0, 0 for x <= 0 (null stays null); 'none' = x
        d2_s = sum over features of (z_f - centroid_s,f)^2, summed in feature_position order
        the segment with the smallest d2; ties go to the lowest segment_id

    Returns columns <id_column>, segment_id, distance_to_centroid (= sqrt(d2)). Only the feature names are
    needed at compile time (read from the centroids table, or given as `feature_names`); every number is data,
    so a rebuilt model scores new customers without recompiling. Reference implementation and tests:
    src/custseg/segmentation/scoring.py; agreement with Python: tests/segments/.
-#}
{% macro assign_segment(features_relation, centroids_relation, id_column='customer_id', feature_names=none) -%}
    {%- if feature_names is none -%}
        {%- set feature_names = centroid_feature_names(centroids_relation) -%}
    {%- endif -%}
    {%- set float = scoring_double() -%}
    {%- if feature_names | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as {{ id_column }},
        cast(null as {{ dbt.type_int() }}) as segment_id,
        cast(null as {{ float }}) as distance_to_centroid
    where 1 = 0
    {%- else %}
    with scoring_features as (
        select * from {{ features_relation }}
    ),

    scoring_centroids as (
        select * from {{ centroids_relation }}
    ),

    scoring_parameters as (
        select
            {%- for f in feature_names %}
            max(case when feature_name = '{{ f }}' then transform end) as transform_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then impute_value end) as impute_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then scaler_mean end) as mean_{{ loop.index }},
            max(case when feature_name = '{{ f }}' then scaler_scale end) as scale_{{ loop.index }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        from scoring_centroids
    ),

    scoring_centers as (
        select
            segment_id,
            {%- for f in feature_names %}
            max(case when feature_name = '{{ f }}' then centroid end) as center_{{ loop.index }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        from scoring_centroids
        group by segment_id
    ),

    scoring_scaled as (
        select
            scoring_features.{{ id_column }},
            {%- for f in feature_names %}
            (
                coalesce(
                    case
                        when p.transform_{{ loop.index }} = 'log1p' then
                            case
                                when cast(scoring_features.{{ f }} as {{ float }}) > 0
                                    then ln(1 + cast(scoring_features.{{ f }} as {{ float }}))
                                when scoring_features.{{ f }} is not null then 0
                            end
                        else cast(scoring_features.{{ f }} as {{ float }})
                    end,
                    p.impute_{{ loop.index }}
                ) - p.mean_{{ loop.index }}
            ) / p.scale_{{ loop.index }} as z_{{ loop.index }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        from scoring_features
        cross join scoring_parameters as p
    ),

    scoring_distances as (
        select
            scoring_scaled.{{ id_column }},
            c.segment_id,
            {%- for f in feature_names %}
            {{ '+ ' if not loop.first }}(z_{{ loop.index }} - c.center_{{ loop.index }}) * (z_{{ loop.index }} - c.center_{{ loop.index }})
            {%- endfor %} as squared_distance
        from scoring_scaled
        cross join scoring_centers as c
    ),

    scoring_ranked as (
        select
            {{ id_column }},
            segment_id,
            squared_distance,
            row_number() over (partition by {{ id_column }} order by squared_distance, segment_id) as distance_rank
        from scoring_distances
    )

    select
        {{ id_column }},
        segment_id,
        sqrt(squared_distance) as distance_to_centroid
    from scoring_ranked
    where distance_rank = 1
    {%- endif %}
{%- endmacro %}

{#- Returns the feature names of a stored k-means model (segment_centroids, population_segment_centroids) in
    feature_position order, read at execute time; [] at parse time. -#}
{% macro centroid_feature_names(centroids_relation) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select feature_name, min(feature_position) as feature_position from " ~ centroids_relation
        ~ " group by feature_name order by 2") -%}
    {{ return(rows.columns[0].values() | list) }}
{%- endmacro %}
