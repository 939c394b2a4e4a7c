{#- Returns the mapping that loads a user's transactions export (data set `user`): var('user_mapping')
    over these defaults, with `encoding` normalised to the name DuckDB's CSV reader knows (utf-8, utf-16,
    latin-1) and `label` ('user', for messages) added. Every key is documented with an example per common
    export in models/staging/user/_user__sources.yml. -#}
{% macro user_mapping() -%}
    {%- set defaults = {
        'path': 'user/transactions.csv',
        'delimiter': ',',
        'quote': '"',
        'escape': '"',
        'encoding': 'utf-8',
        'max_line_size': 2097152,
        'strict_mode': false,
        'decimal_separator': '.',
        'thousands_separator': '',
        'currency_symbols': [],
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
    {#- Names a user may write for each encoding, and how it is read: DuckDB reads utf-8, utf-16 and latin-1
        itself; cp1252 (Windows "ANSI", most German and UK ERP exports: latin-1 but for the euro sign, curly
        quotes and dashes at bytes 0x80-0x9F, which DuckDB's latin-1 rejects) is read through a UTF-8 copy
        (macro raw_export_readable, custseg.raw_input.transcode). -#}
    {%- set encodings = {
        'utf-8': 'utf-8', 'utf8': 'utf-8', 'utf-8-sig': 'utf-8', 'utf-8 with bom': 'utf-8',
        'utf-16': 'utf-16', 'utf16': 'utf-16', 'utf-16le': 'utf-16', 'unicode': 'utf-16',
        'latin-1': 'latin-1', 'latin1': 'latin-1', 'iso-8859-1': 'latin-1',
        'cp1252': 'cp1252', 'windows-1252': 'cp1252', 'ansi': 'cp1252',
    } -%}
    {%- set given = var('user_mapping', {}) or {} -%}
    {%- if given is string -%}{%- set given = fromyaml(given) or {} -%}{%- endif -%}
    {%- set unknown = given.keys() | reject('in', defaults.keys()) | list -%}
    {%- if unknown -%}
        {{ exceptions.raise_compiler_error(
            "user_mapping: unknown key(s) " ~ unknown | join(', ') ~ "; expected " ~ defaults.keys() | join(', ')) }}
    {%- endif -%}
    {%- set mapping = {} -%}
    {%- do mapping.update(defaults) -%}
    {%- do mapping.update(given) -%}
    {%- if mapping.date_formats is string -%}{% do mapping.update({'date_formats': [mapping.date_formats]}) %}{%- endif -%}
    {%- if mapping.currency_symbols is string -%}
        {%- do mapping.update({'currency_symbols': [mapping.currency_symbols]}) -%}
    {%- endif -%}
    {%- set encoding = (mapping.encoding | string | lower | trim) -%}
    {%- if encoding not in encodings -%}
        {{ exceptions.raise_compiler_error(
            "user_mapping.encoding: " ~ mapping.encoding | tojson ~ " is not supported; use one of "
            ~ encodings.keys() | join(', ') ~ " (UTF-16 BE and other code pages: save the export as UTF-8).") }}
    {%- endif -%}
    {%- set transcoded = encodings[encoding] == 'cp1252' -%}
    {%- do mapping.update({'encoding': 'utf-8' if transcoded else encodings[encoding], 'label': 'user',
                           'transcode_from': 'cp1252' if transcoded else none}) -%}
    {{ return(mapping) }}
{%- endmacro %}
