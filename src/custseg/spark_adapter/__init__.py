"""dbt-spark with one more way to run a dbt Python model: ``submission_method: session``, in dbt's own
SparkSession (docs/spark.md).

dbt runs a Python model through the helper that ``adapter.python_submission_helpers[submission_method]`` names
(dbt-adapters' ``submit_python_job``). dbt-spark's helpers upload the model to Databricks (``job_cluster``,
``all_purpose_cluster``); with the ``session`` connection method, whose SparkSession lives in the dbt process,
it has none. Helpers are a property of the adapter class, so this is a small adapter type, ``custsegspark``
(the module ``dbt.adapters.custsegspark``): dbt-spark's adapter, credentials and macros (``spark__`` macros
are dispatched to it as its parent's), plus the helper below, the default with ``method: session``. (No
underscore in the name: dbt finds an adapter's version module from its class name, ``CustsegsparkAdapter``.)
Databricks' own submission methods stay as they are, here and with ``type: spark`` or ``dbt-databricks``.

The helper runs the code dbt compiled (the model, dbt's ``dbtObj`` with ``ref`` as ``spark.table``, and the
write of ``macros/python_model.sql``) in the SparkSession the connection opened: ``dbt.ref()`` is a Spark
DataFrame and the result is written by ``saveAsTable``, as on Databricks, without leaving the process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.base.meta import available
from dbt.adapters.spark import SparkAdapter, SparkConnectionManager, SparkCredentials
from dbt.adapters.spark.connections import SparkConnectionMethod
from dbt_common.exceptions import DbtRuntimeError

ADAPTER_TYPE = "custsegspark"
INCLUDE_PATH = str(Path(__file__).parent / "include")


def spark_session(parameters: Mapping[str, str]):
    """The SparkSession of the profile's ``server_side_parameters`` (Hive support on): the one dbt-spark's session
    cursor opened in this process (getOrCreate returns it), or a new one in a process without it."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for parameter, value in parameters.items():
        builder = builder.config(parameter, value)
    return builder.getOrCreate()


class CustsegsparkCredentials(SparkCredentials):
    @property
    def type(self) -> str:
        return ADAPTER_TYPE


class CustsegsparkConnectionManager(SparkConnectionManager):
    TYPE = ADAPTER_TYPE


class SessionPythonJobHelper(PythonJobHelper):
    """``submission_method: session``: the compiled model runs in this process's SparkSession."""

    def __init__(self, parsed_model: dict, credentials: SparkCredentials) -> None:
        if credentials.method != SparkConnectionMethod.SESSION:
            raise DbtRuntimeError(
                f"Python model {parsed_model['alias']}: submission_method 'session' runs the model in dbt's own "
                f"SparkSession, which only the connection method 'session' has (this profile: "
                f"{credentials.method}); on Databricks use 'all_purpose_cluster' or 'job_cluster'")
        self.parsed_model = parsed_model
        self.server_side_parameters = credentials.server_side_parameters

    def submit(self, compiled_code: str) -> Any:
        spark = spark_session(self.server_side_parameters)  # the session dbt-spark's session cursor opened
        # The materialization renders the code inside an indented block: only its first line is indented.
        code = compile(compiled_code.lstrip(), f"<dbt Python model {self.parsed_model['unique_id']}>", "exec")
        exec(code, {"__name__": f"dbt_model_{self.parsed_model['alias']}", "spark": spark})  # noqa: S102
        return None


class CustsegsparkAdapter(SparkAdapter):
    ConnectionManager = CustsegsparkConnectionManager

    @property
    def default_python_submission_method(self) -> str:
        if self.config.credentials.method == SparkConnectionMethod.SESSION:
            return "session"
        return super().default_python_submission_method

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, "session": SessionPythonJobHelper}

    @available
    def custseg_raw_input(self, function: str, path: str, *arguments: Any) -> Any:
        """One of custseg.raw_input.files' checks of a raw file, run in the dbt process: ``file_bytes(path)``,
        ``digest(path, length)`` or ``gzip_problem(path)``, what the DuckDB profile's plugin registers as
        custseg_file_bytes, custseg_file_digest and custseg_gzip_problem (macros/staging/raw_file_identity.sql,
        raw_csv_checks.sql), so both engines check a file by the same code. ``path`` is a local path or a
        ``file:`` URI as Spark names files (its %-escapes undone)."""
        from urllib.parse import unquote, urlparse

        from custseg.raw_input import files

        checks = {"file_bytes": files.file_bytes, "digest": files.digest, "gzip_problem": files.gzip_problem}
        if function not in checks:
            raise DbtRuntimeError(f"custseg_raw_input: unknown check {function!r}; expected one of {sorted(checks)}")
        if path.startswith("file:"):
            path = unquote(urlparse(path).path)
        elif not os.path.exists(path) and os.path.exists(unquote(path)):  # a reference Spark kept escaped
            path = unquote(path)
        return checks[function](path, *arguments)

    @available
    def custseg_publish_from_spark(self, tables: list[dict], dataset: str, storage_version: str) -> dict:
        """The serving copy of this Spark build (``spark__publish_serving_copy``): the public tables read from
        their Parquet files into the same DuckDB file, Parquet folder and report as a DuckDB build publishes
        (custseg.serving.from_spark). Returns the publish summary, or ``{"error": ...}``."""
        import traceback

        from custseg.serving.from_spark import publish_from_spark

        spark = spark_session(self.config.credentials.server_side_parameters)
        try:
            return publish_from_spark(spark, tables, os.environ.get("CUSTSEG_SPARK_DIR", "warehouse/spark"),
                                      dataset, storage_version)
        except Exception as exc:  # the hook says why nothing was published; the traceback goes to dbt's log
            return {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
