-- A user's own transactions export, canonical order-line shape, loaded through the mapping in
-- var('user_mapping') (see _user__sources.yml for every key and an example per common export): no SQL to edit.
{%- set mapping = user_mapping() %}
{%- set pattern = var('raw_data_dir') ~ '/' ~ mapping.path %}
{{ config(
    materialized='table',
    pre_hook=raw_export_load_hooks('raw_user_lines', pattern, mapping),
    post_hook=raw_export_unload_hooks('raw_user_lines'),
) }}

{{ transactions_from_csv(
    source_name=mapping.source_name,
    raw_table='raw_user_lines',
    pattern=pattern,
    options=mapping,
    columns=mapping.columns,
    date_formats=mapping.date_formats,
) }}
