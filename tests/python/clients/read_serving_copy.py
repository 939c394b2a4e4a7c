"""Run by a DuckDB client in its own venv (tests/python/test_serving_clients.py): open the serving copy
read-only, read every row of every table and of its Parquet export, and print, as JSON, the DuckDB version and
per table its row count and a digest of its rows. Standard library and duckdb only: no custseg import."""

import hashlib
import json
import sys
from pathlib import Path

import duckdb


def digest(con, relation: str) -> list:
    rows = con.execute(f"select * from {relation} order by all").fetchall()
    return [len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()]


def main(serving_db: str, parquet_dir: str) -> None:
    con = duckdb.connect(serving_db, read_only=True)
    tables = [name for name, in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() order by 1").fetchall()]
    out = {"version": duckdb.__version__,
           "tables": {name: digest(con, '"' + name.replace('"', '""') + '"') for name in tables},
           "parquet": {path.stem: digest(con, "read_parquet('" + str(path).replace("'", "''") + "')")
                       for path in sorted(Path(parquet_dir).glob("*.parquet"))}}
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:3])
