{#- Returns the campaign whose response the response model predicts (the "target" campaign): var
    response_campaign_id when set, otherwise the default of the active data set (sample: winter_2026,
    customer_personality: last_campaign, coil2000: caravan_2000; none for data sets without responses).
    Features of response_training_set use only what was known before this campaign was mailed. -#}
{% macro response_campaign_id() -%}
    {%- set defaults = {
        'sample': 'winter_2026',
        'customer_personality': 'last_campaign',
        'coil2000': 'caravan_2000',
    } -%}
    {{ return(var('response_campaign_id', defaults.get(var('dataset')))) }}
{%- endmacro %}
