"""Reading dbt vars handed to Python models, which may arrive as text."""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping


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


def var_overrides(name: str, value, known) -> dict:
    """The settings a mapping var (``segmentation``, ``response``, ``clv``) overrides, each value parsed
    (:func:`parse_var`); a var that is not a mapping, or a key not in ``known``, raises naming the var and the
    keys it accepts."""
    overrides = parse_var(value) or {}
    if not isinstance(overrides, Mapping):
        raise ValueError(f"var '{name}' must be a mapping, got {overrides!r}")
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ValueError(f"var '{name}': unknown key(s) {unknown}; expected some of {sorted(known)}")
    return {key: parse_var(v) for key, v in overrides.items()}


def build_vars(dataset: str, raw_data_dir: str, mapping_file: str | None = None) -> dict:
    """The one ``--vars`` dict of a build: ``dataset`` and ``raw_data_dir``, plus ``user_mapping`` read from
    ``mapping_file`` (YAML, the keys of macros/staging/user_mapping.sql) when given.

    dbt keeps only the last ``--vars`` of a command line, so a mapping passed as a second ``--vars`` would drop
    ``dataset``; merged here, it can never replace the data set's vars. Raises ValueError naming the file when
    it is not a YAML mapping or sets ``dataset`` / ``raw_data_dir`` itself.
    """
    variables = {"dataset": dataset, "raw_data_dir": raw_data_dir}
    if mapping_file:
        import yaml

        with open(mapping_file, encoding="utf-8") as f:
            mapping = yaml.safe_load(f)
        if not isinstance(mapping, dict):
            raise ValueError(f"mapping file {mapping_file}: expected a YAML mapping (path, delimiter, columns, ...), "
                             f"got {type(mapping).__name__}")
        clashing = sorted({"dataset", "raw_data_dir"} & set(mapping))
        if clashing:
            raise ValueError(f"mapping file {mapping_file}: remove {', '.join(clashing)}; they come from "
                             "DATASET= and RAW_DATA_DIR= (dbt: --vars dataset / raw_data_dir)")
        if dataset != "user":
            raise ValueError(f"mapping file {mapping_file}: MAPPING describes a user export; build it with "
                             f"DATASET=user (not {dataset})")
        variables["user_mapping"] = mapping
    return variables


def main(argv: list[str] | None = None) -> int:
    """``python -m custseg.dbt_vars --dataset user --raw-data-dir DIR [--mapping FILE]`` prints the JSON of
    :func:`build_vars` for ``dbt build --vars "$(...)"`` (what ``make build MAPPING=FILE`` runs)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m custseg.dbt_vars", description=main.__doc__)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--raw-data-dir", required=True)
    parser.add_argument("--mapping", default=None)
    args = parser.parse_args(argv)
    try:
        print(json.dumps(build_vars(args.dataset, args.raw_data_dir, args.mapping)))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
