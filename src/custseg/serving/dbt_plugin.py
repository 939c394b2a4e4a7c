"""The dbt-duckdb plugin of this project's profile (profiles.yml ``plugins:``): registers the Python half of
publishing the serving copy as SQL functions of dbt's own DuckDB connection, for the on-run-end hook
(``macros/serving/publish_serving_copy.sql``). Each returns one JSON text and never raises: a failure comes back
as ``{"error": ...}``, which the hook reports as the reason nothing was published. It also makes the folder of
the build database before dbt opens it, and imports the fitting code once (below).

- ``custseg_publish_is_current(db_path, dataset, fingerprint)`` -> ``{"current": bool, "published_at": ..}``
  (:func:`custseg.serving.publish.is_current`: the copy in place was published from the same tables)
- ``custseg_publish_begin(db_path, dataset)`` -> ``{"new_db": path}`` (:func:`custseg.serving.publish.begin`)
- ``custseg_publish_finish(new_db, db_path, dataset, fingerprint)`` -> the publish summary
  (:func:`custseg.serving.publish.finish`; fingerprint '' when there is none)
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from pathlib import Path

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import VARCHAR

from custseg.serving import publish


def _json_or_error(work: Callable[[], dict]) -> str:
    try:
        return json.dumps(work())
    except Exception as exc:  # the hook says why nothing was published; the traceback goes to dbt's log
        return json.dumps({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})


def publish_begin(db_path: str, dataset: str) -> str:
    return _json_or_error(lambda: {"new_db": str(publish.begin(db_path, dataset))})


def publish_finish(new_db: str, db_path: str, dataset: str, fingerprint: str) -> str:
    return _json_or_error(lambda: publish.summary(
        publish.finish(new_db, db_path, dataset, fingerprint=fingerprint or None)))


def publish_is_current(db_path: str, dataset: str, fingerprint: str) -> str:
    return _json_or_error(lambda: publish.is_current(db_path, dataset, fingerprint))


FUNCTIONS = {
    "custseg_publish_is_current": (publish_is_current, [VARCHAR, VARCHAR, VARCHAR]),
    "custseg_publish_begin": (publish_begin, [VARCHAR, VARCHAR]),
    "custseg_publish_finish": (publish_finish, [VARCHAR, VARCHAR, VARCHAR, VARCHAR]),
}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions on ``con``'s database (once: they belong to the database instance, which a
    connection dbt opens again may share)."""
    present = {name for name, in con.execute(
        "select function_name from duckdb_functions() where function_name like 'custseg\\_publish\\_%' escape '\\'"
    ).fetchall()}
    for name, (function, parameters) in FUNCTIONS.items():
        if name not in present:
            con.create_function(name, function, parameters, VARCHAR, side_effects=True)


# dbt-duckdb runs the Python models in dbt's threads, in one process. A first import of scikit-learn from two
# threads at once fails ("cannot import name 'clone' from partially initialized module 'sklearn.base'"), so the
# packages the models import are imported here, once, when dbt sets up the database, before any model runs.
MODEL_PACKAGES = ("sklearn", "custseg.dbt_io", "custseg.segmentation.models", "custseg.response.models",
                  "custseg.response.trees")


class Plugin(BasePlugin):
    def initialize(self, plugin_config) -> None:
        import importlib

        for name in MODEL_PACKAGES:
            importlib.import_module(name)

    def update_connection_config(self, creds, config: dict) -> None:
        # Before dbt opens the build database: make its folder, so a bare `dbt build` in a fresh clone works.
        path = str(creds.path or "")
        if path and path != ":memory:" and "://" not in path and not path.startswith("md:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
