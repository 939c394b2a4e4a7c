"""The BI serving copy: publish the public tables of a built warehouse where readers can't block the build.

- :mod:`.public_tables`  which tables are public (read from dbt's manifest), with their descriptions
- :mod:`.publish`        copy them atomically to ``serving/<dataset>.duckdb`` and ``serving/<dataset>/*.parquet``
- :mod:`.semantic_layer` run MetricFlow's ``mf query`` against a built warehouse
"""

from custseg.serving.public_tables import PublicTable, public_tables
from custseg.serving.publish import PublishResult, publish

__all__ = ["PublicTable", "PublishResult", "public_tables", "publish"]
