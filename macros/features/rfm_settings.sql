{#- RFM scoring settings read from vars, in one place:
    rfm_score_bins (default 5: quintiles) and rfm_cut_points, a mapping of recency_days / frequency /
    monetary to an ascending list of cut points that replaces the quantiles for that measure
    (e.g. {recency_days: [30, 90, 180, 365]}). Returns the value for `measure`'s cut points, or the bins. -#}
{% macro rfm_score_bins() -%}
    {%- set bins = var('rfm_score_bins', 5) | int -%}
    {%- if bins < 2 -%}
        {{ exceptions.raise_compiler_error("var rfm_score_bins must be an integer >= 2, got " ~ var('rfm_score_bins')) }}
    {%- endif -%}
    {{ return(bins) }}
{%- endmacro %}

{% macro rfm_cut_points(measure) -%}
    {%- set all_cut_points = var('rfm_cut_points', {}) or {} -%}
    {%- set cut_points = all_cut_points.get(measure) -%}
    {%- if cut_points is not none and (cut_points | length) + 1 != rfm_score_bins() -%}
        {{ exceptions.raise_compiler_error(
            "var rfm_cut_points." ~ measure ~ " has " ~ (cut_points | length) ~ " cut points: it needs rfm_score_bins - 1 = "
            ~ (rfm_score_bins() - 1) ~ " so that every measure scores 1.." ~ rfm_score_bins()) }}
    {%- endif -%}
    {{ return(cut_points) }}
{%- endmacro %}
