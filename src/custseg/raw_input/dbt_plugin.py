"""The dbt-duckdb plugin (profiles.yml ``plugins:``) that makes :mod:`custseg.raw_input.files` SQL functions of
dbt's own connection, for the macros that check raw files before the build reads them
(``macros/staging/raw_file_identity.sql``, ``macros/staging/raw_csv_checks.sql``):

- ``custseg_file_bytes(path)`` -> BIGINT, null when there is no such file
- ``custseg_file_digest(path, length)`` -> SHA-256 of the first ``length`` bytes (all when negative), null when
  the file is missing or shorter
- ``custseg_gzip_problem(path)`` -> null for a sound gzip file, else what is wrong with it
- ``custseg_utf8_copy(path, encoding, out_dir)`` -> the path of a UTF-8 copy of a file in a code page DuckDB
  cannot read (:mod:`custseg.raw_input.transcode`)
"""

from __future__ import annotations

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import BIGINT, VARCHAR

from custseg.raw_input import files, transcode

FUNCTIONS = {
    "custseg_file_bytes": (files.file_bytes, [VARCHAR], BIGINT),
    "custseg_file_digest": (files.digest, [VARCHAR, BIGINT], VARCHAR),
    "custseg_gzip_problem": (files.gzip_problem, [VARCHAR], VARCHAR),
    "custseg_utf8_copy": (transcode.utf8_copy, [VARCHAR, VARCHAR, VARCHAR], VARCHAR),
}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions on ``con``'s database, once (a connection dbt opens again may share it)."""
    names = ", ".join(f"'{name}'" for name in FUNCTIONS)
    present = {name for name, in con.execute(
        f"select function_name from duckdb_functions() where function_name in ({names})").fetchall()}
    for name, (function, parameters, returns) in FUNCTIONS.items():
        if name not in present:
            con.create_function(name, function, parameters, returns, null_handling="special", side_effects=True)


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
