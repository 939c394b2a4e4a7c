"""Read the public tables the report needs from a warehouse (normally the serving copy), read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


class WarehouseTables:
    """The tables of one DuckDB file, read once each into pandas; absent tables read as ``None``."""

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        if not self.db_path.is_file():
            raise FileNotFoundError(f"warehouse not found: {self.db_path} (run `make build` or `make publish` first)")
        self._con = duckdb.connect(str(self.db_path), read_only=True)
        self._names = {name for (name,) in self._con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}
        self._cache: dict[str, pd.DataFrame] = {}

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> WarehouseTables:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, name: str) -> bool:
        return name in self._names

    def table(self, name: str) -> pd.DataFrame | None:
        if name not in self._names:
            return None
        if name not in self._cache:
            self._cache[name] = self._con.execute(f'select * from "{name}"').df()
        return self._cache[name]

    def columns(self, name: str) -> list[str]:
        if name not in self._names:
            return []
        return [col[0] for col in self._con.execute(f'select * from "{name}" limit 0').description]

    def query(self, sql: str) -> pd.DataFrame:
        return self._con.execute(sql).df()

    def row_counts(self) -> dict[str, int]:
        return {name: self._con.execute(f'select count(*) from "{name}"').fetchone()[0]
                for name in sorted(self._names)}
