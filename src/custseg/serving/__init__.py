"""The BI serving copy: publish the public models of a built warehouse where readers can't block the build.

- :mod:`.public_tables`  which models are public (``access: public`` in dbt's manifest), with their descriptions
- :mod:`.publish`        the file work of the on-run-end hook: Parquet exports, report, atomic swap
- :mod:`.dbt_plugin`     the profile's dbt-duckdb plugin: that work as SQL functions of dbt's connection
- :mod:`.semantic_layer` run MetricFlow's ``mf query`` against the serving copy
"""

from custseg.serving.public_tables import PublicTable, public_tables
from custseg.serving.publish import PublishResult, ServingPaths

__all__ = ["PublicTable", "PublishResult", "ServingPaths", "public_tables"]
