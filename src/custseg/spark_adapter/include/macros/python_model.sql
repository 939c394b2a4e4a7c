{#- create_table_as on custsegspark: dbt-spark's, except a dbt Python model's table. That is the model's
    compiled code, then what it returns written with saveAsTable: a pandas DataFrame or a pyarrow Table (what
    custseg's models return: custseg.dbt_io.to_table) becomes a Spark DataFrame with its column types, and the
    file format is config file_format, else Spark's default (Parquet), as for the SQL models. -#}
{% macro custsegspark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- if language != 'python' -%}
    {{ spark__create_table_as(temporary, relation, compiled_code, language) }}
  {%- else -%}
{{ compiled_code }}
# --- custsegspark: run the model, then write what it returned --- #
import pandas
import pyarrow

dbt = dbtObj(spark.table)
df = model(dbt, spark)
if isinstance(df, (pandas.DataFrame, pyarrow.Table)):
    df = spark.createDataFrame(df)
writer = df.write.mode("overwrite")
{%- if config.get('file_format') %}
writer = writer.format("{{ config.get('file_format') }}")
{%- endif %}
writer.saveAsTable("{{ relation }}")
  {%- endif -%}
{%- endmacro %}
