{#- Returns one setting of the response model that only SQL reads: var `response` (a mapping, or its JSON text)
    overrides the data set's default, which overrides the base default. Keys:
      selection_metric    the metric whose CV mean chooses the candidate: roc_auc (default), pr_auc, log_loss,
                          brier, top_decile_lift, hits_top_20pct (log_loss and brier: lower is better)
      selection_rule      one_se (default: the simplest candidate within one standard error of the best mean) or
                          best (the best mean); see int_response_candidate_summary
      hits_scale_to       population size hits_top_20pct is scaled to (none = the labeled customers; coil2000: 4000)
      targets_top         campaign_targets size: an integer (count) or a number in (0, 1] (share; 0.2)
      targets_population  who may be targeted: all (default), labeled, unlabeled (coil2000: the 4,000 unlabeled
                          evaluation households)
    The fit's own settings (features, folds, repeats, seed, class weights, sample size, bootstraps) are read by the Python models
    (src/custseg/response/settings.py). -#}
{% macro response_setting(key) -%}
    {%- set base = {
        'selection_metric': 'roc_auc',
        'selection_rule': 'one_se',
        'hits_scale_to': none,
        'targets_top': 0.2,
        'targets_population': 'all',
    } -%}
    {%- set per_dataset = {
        'coil2000': {'hits_scale_to': 4000, 'targets_top': 800, 'targets_population': 'unlabeled'},
    } -%}
    {%- if key not in base -%}
        {{ exceptions.raise_compiler_error("response_setting: unknown key '" ~ key ~ "'; expected one of " ~ (base.keys() | list)) }}
    {%- endif -%}
    {%- set overrides = var('response', {}) -%}
    {%- if overrides is string -%}
        {%- set overrides = fromjson(overrides) if overrides | trim else {} -%}
    {%- endif -%}
    {%- set value = overrides.get(key, per_dataset.get(var('dataset', 'sample'), {}).get(key, base[key])) -%}
    {%- if key == 'selection_metric' and value not in response_metric_names() -%}
        {{ exceptions.raise_compiler_error("var 'response': selection_metric '" ~ value ~ "' is not one of " ~ response_metric_names()) }}
    {%- endif -%}
    {%- if key == 'selection_rule' and value not in ['one_se', 'best'] -%}
        {{ exceptions.raise_compiler_error("var 'response': selection_rule '" ~ value ~ "' must be one_se or best") }}
    {%- endif -%}
    {%- if key == 'targets_population' and value not in ['all', 'labeled', 'unlabeled'] -%}
        {{ exceptions.raise_compiler_error("var 'response': targets_population '" ~ value ~ "' must be all, labeled or unlabeled") }}
    {%- endif -%}
    {%- if key == 'targets_top' and (value is not number or value < 0 or (value is not integer and value > 1)) -%}
        {{ exceptions.raise_compiler_error("var 'response': targets_top " ~ value ~ " must be a count (integer >= 0) or a share in (0, 1]") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- Returns the metrics of response_model_metrics, and those where lower is better. -#}
{% macro response_metric_names() -%}
    {{ return(['roc_auc', 'pr_auc', 'log_loss', 'brier', 'top_decile_lift', 'hits_top_20pct']) }}
{%- endmacro %}

{% macro response_lower_is_better() -%}
    {{ return(['log_loss', 'brier']) }}
{%- endmacro %}
