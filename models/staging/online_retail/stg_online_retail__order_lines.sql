-- UCI Online Retail order lines, canonical shape: every raw line, nothing filtered.
-- Reads the CSV (plain or gzip) as text so no line is lost: lines the reader cannot parse and
-- values that do not cast keep a parse_error. Accepts the Online Retail (InvoiceNo, UnitPrice,
-- CustomerID) and Online Retail II (Invoice, Price, Customer ID) headers, ISO and US-style dates.
{%- set pattern = raw_file_pattern('online_retail__order_lines') %}
{%- set delimiter = var('online_retail_delimiter', ',') %}
{{ config(
    materialized='table',
    pre_hook=raw_csv_load_hooks('raw_online_retail_lines', pattern, delimiter, true),
) }}

{{ transactions_from_csv(
    source_name='online_retail',
    raw_table='raw_online_retail_lines',
    pattern=pattern,
    delimiter=delimiter,
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
