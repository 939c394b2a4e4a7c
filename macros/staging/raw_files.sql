{#- Returns the path (glob pattern) of one raw input, under var('raw_data_dir').
    Defaults follow the layout of the public data sets; override any of them with the var
    `raw_files`, e.g. --vars '{raw_files: {online_retail__order_lines: "exports/retail_2011.csv"}}'. -#}
{% macro raw_file_pattern(key) -%}
    {%- set defaults = {
        'online_retail__order_lines': 'online_retail/online_retail.csv*',
        'customer_personality__profiles': 'customer_personality/marketing_campaign.csv',
        'coil2000__train': 'coil2000_insurance/ticdata2000.txt',
        'coil2000__eval': 'coil2000_insurance/ticeval2000.txt',
        'user__order_lines': 'user/transactions.csv',
    } -%}
    {%- set overrides = var('raw_files', {}) or {} -%}
    {%- if key not in defaults and key not in overrides -%}
        {{ exceptions.raise_compiler_error("raw_file_pattern: unknown raw input '" ~ key ~ "'") }}
    {%- endif -%}
    {{ return(var('raw_data_dir') ~ '/' ~ overrides.get(key, defaults.get(key))) }}
{%- endmacro %}
