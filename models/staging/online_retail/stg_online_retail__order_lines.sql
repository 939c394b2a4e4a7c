-- UCI Online Retail order lines, canonical shape: every raw line, nothing filtered.
-- Reads the CSV (plain or gzip) as text so no line is lost: lines the reader cannot parse and
-- values that do not cast keep a parse_error. Accepts the Online Retail (InvoiceNo, UnitPrice,
-- CustomerID) and Online Retail II (Invoice, Price, Customer ID) headers, ISO and US-style dates
-- (one format per file).
{%- set pattern = raw_file_pattern('online_retail__order_lines') %}
{%- set options = {
    'label': 'online_retail', 'delimiter': var('online_retail_delimiter', ','), 'quote': '"', 'escape': '"',
    'encoding': 'utf-8', 'max_line_size': 2097152, 'strict_mode': false,
} %}
{{ config(
    materialized='table',
    pre_hook=raw_export_load_hooks('raw_online_retail_lines', pattern, options),
    post_hook=raw_export_unload_hooks('raw_online_retail_lines'),
) }}

{{ transactions_from_csv(
    source_name='online_retail',
    raw_table='raw_online_retail_lines',
    pattern=pattern,
    options=options,
    columns={
        'invoice_id': ['InvoiceNo', 'Invoice'],
        'stock_code': ['StockCode'],
        'product_description': ['Description'],
        'quantity': ['Quantity'],
        'ordered_at': ['InvoiceDate'],
        'unit_price': ['UnitPrice', 'Price'],
        'customer_id': ['CustomerID', 'Customer ID'],
        'country': ['Country'],
    },
    date_formats=var('online_retail_date_formats', [
        '%Y-%m-%d %H:%M:%S', '%m/%d/%y %H:%M', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S', '%Y-%m-%d %H:%M',
    ]),
) }}
