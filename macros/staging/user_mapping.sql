{#- Returns the mapping that loads a user's transactions export (data set `user`): var('user_mapping')
    over these defaults. Keys: path (file or glob under raw_data_dir), delimiter, date_formats
    (strptime formats tried in order), source_name, columns {canonical column: header name in the
    file}. Documented with an example in models/staging/user/_user__sources.yml. -#}
{% macro user_mapping() -%}
    {%- set defaults = {
        'path': 'user/transactions.csv',
        'delimiter': ',',
        'date_formats': ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d'],
        'source_name': 'user',
        'columns': {
            'invoice_id': 'invoice_id',
            'stock_code': 'stock_code',
            'product_description': 'product_description',
            'quantity': 'quantity',
            'unit_price': 'unit_price',
            'ordered_at': 'ordered_at',
            'customer_id': 'customer_id',
            'country': 'country',
        },
    } -%}
    {%- set given = var('user_mapping', {}) or {} -%}
    {%- set unknown = given.keys() | reject('in', defaults.keys()) | list -%}
    {%- if unknown -%}
        {{ exceptions.raise_compiler_error(
            "user_mapping: unknown key(s) " ~ unknown | join(', ') ~ "; expected " ~ defaults.keys() | join(', ')) }}
    {%- endif -%}
    {%- set mapping = {} -%}
    {%- do mapping.update(defaults) -%}
    {%- do mapping.update(given) -%}
    {%- if mapping.date_formats is string -%}{% do mapping.update({'date_formats': [mapping.date_formats]}) %}{%- endif -%}
    {{ return(mapping) }}
{%- endmacro %}
