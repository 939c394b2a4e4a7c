{#- Returns one setting of the CLV models that only SQL reads: var `clv` (a mapping, or its JSON text) overrides
    the default. Keys:
      horizon_days   customer_clv predicts purchases and value over the this-many days after the as-of date (365)
      holdout_days   the time-split validation: the last this-many days before the as-of date are the holdout,
                     the days before them the calibration period (183: on Online Retail, calibration up to
                     2011-06-09 and holdout 2011-06-10 to 2011-12-09)
      series_terms   at most this many terms of the hypergeometric series of macro score_clv (4000)
    The fits' own settings (time unit, penalizers, sample size) are read by the Python models
    (src/custseg/clv/settings.py). -#}
{% macro clv_setting(key) -%}
    {%- set base = {'horizon_days': 365, 'holdout_days': 183, 'series_terms': 4000} -%}
    {%- if key not in base -%}
        {{ exceptions.raise_compiler_error("clv_setting: unknown key '" ~ key ~ "'; expected one of " ~ (base.keys() | list)) }}
    {%- endif -%}
    {%- set overrides = var('clv', {}) -%}
    {%- if overrides is string -%}
        {%- set overrides = fromjson(overrides) if overrides | trim else {} -%}
    {%- endif -%}
    {%- set value = (overrides or {}).get(key, base[key]) -%}
    {%- if value is not number or value is not integer or value < 1 -%}
        {{ exceptions.raise_compiler_error("var 'clv': " ~ key ~ " must be a whole number >= 1, got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
