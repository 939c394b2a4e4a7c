"""Reading dbt vars handed to Python models, which may arrive as text."""

from __future__ import annotations

import ast
import json


def parse_var(value):
    """A dbt var as Python: JSON or a Python literal when it is text; '', 'None', 'none', 'null' -> None.

    Anything else (a mapping, a list, a number, text that is neither JSON nor a literal) is returned as is.
    """
    if isinstance(value, str):
        text = value.strip()
        if text in ("", "None", "none", "null"):
            return None
        for parse in (json.loads, ast.literal_eval):
            try:
                return parse(text)
            except (ValueError, SyntaxError):
                continue
    return value
