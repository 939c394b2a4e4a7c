"""Which models are public: read from dbt's manifest.json, with the descriptions dbt docs show.

A model is public when dbt's ``access`` config says so and it is built (not ephemeral). dbt_project.yml
makes every model public except the folders that only feed other models: ``staging`` and ``intermediate``
(the data's way in) and ``semantic`` (the time spine of the semantic layer). That covers ``models/marts/**``
and the Python models, and needs no list to keep in step with the project. The on-run-end hook publishes
the same models (macros/serving/publish_serving_copy.sql reads the same two configs from dbt's graph).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path



@dataclass(frozen=True)
class PublicTable:
    name: str
    schema: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # column name -> description
    materialized: str = "table"  # dbt's materialization in the build (a table in the serving copy)


def _is_public(node: dict, project: str) -> bool:
    if node.get("resource_type") != "model" or node.get("package_name") != project:
        return False
    access = node.get("access") or node.get("config", {}).get("access")
    return access == "public" and node.get("config", {}).get("materialized") != "ephemeral"


def public_tables(manifest_path: Path | str) -> list[PublicTable]:
    """The public tables of the project whose dbt run wrote ``manifest_path``, sorted by name."""
    path = Path(manifest_path)
    if not path.is_file():
        raise FileNotFoundError(f"dbt manifest not found: {path} (run `dbt build` with this target path first)")
    manifest = json.loads(path.read_text())
    project = manifest.get("metadata", {}).get("project_name")
    if not project:
        raise ValueError(f"{path}: metadata.project_name missing: not a dbt manifest")
    tables = [
        PublicTable(
            name=node.get("alias") or node["name"],
            schema=node["schema"],
            description=(node.get("description") or "").strip(),
            columns={name: (col.get("description") or "").strip()
                     for name, col in node.get("columns", {}).items()},
            materialized=node["config"]["materialized"],
        )
        for node in manifest.get("nodes", {}).values()
        if _is_public(node, project)
    ]
    return sorted(tables, key=lambda t: t.name)
