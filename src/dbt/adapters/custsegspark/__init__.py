"""The adapter type ``custsegspark``: dbt-spark plus ``submission_method: session`` for dbt Python models
(custseg.spark_adapter, docs/spark.md). dbt loads an adapter type ``t`` from the module ``dbt.adapters.t``."""

from dbt.adapters.base import AdapterPlugin

from custseg.spark_adapter import INCLUDE_PATH, CustsegsparkAdapter, CustsegsparkCredentials

# project_name: the name in INCLUDE_PATH's dbt_project.yml (dbt would otherwise take the folder's name).
Plugin = AdapterPlugin(adapter=CustsegsparkAdapter, credentials=CustsegsparkCredentials, include_path=INCLUDE_PATH,
                       dependencies=["spark"], project_name="dbt_custsegspark")
