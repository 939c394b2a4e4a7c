-- CoIL 2000 has no order lines: zero rows, canonical columns.
{{ empty_canonical('order_lines') }}
