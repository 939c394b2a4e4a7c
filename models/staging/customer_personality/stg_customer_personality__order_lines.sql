-- Customer Personality has no order lines: zero rows, canonical columns.
{{ empty_canonical('order_lines') }}
