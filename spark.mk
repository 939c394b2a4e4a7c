# The Spark target (docs/spark.md), included from the Makefile. `make setup` and `make build` never install
# pyspark nor need Java; `make test` runs the Spark tests too, which do (Java 17).
#
#   make setup-spark                 install requirements/spark.txt into .venv
#   make test-spark                  setup-spark, then the Spark tests alone (a small world, Online Retail and a
#                                    user's export built on both engines, every table compared row for row);
#                                    make test runs them too, beside the DuckDB tests
#   make build DBT_TARGET=spark      dbt build of what runs on Spark (selector `spark`, selectors.yml) on a local
#                                    SparkSession; tables and metastore under $(WAREHOUSE_DIR)/spark
#
# DBT_TARGET is the profile's target (profiles.yml reads it as CUSTSEG_TARGET; default dev, DuckDB).

SPARK_STAMP := $(VENV)/.installed-spark
DBT_TARGET ?=

.PHONY: setup-spark test-spark

ifneq ($(DBT_TARGET),)
DBT_ENV += CUSTSEG_TARGET=$(DBT_TARGET)
endif

ifeq ($(DBT_TARGET),spark)
# Spark's tables, metastore and derby.log beside the DuckDB warehouse; dbt's own files in a target folder of
# their own, so a Spark run never throws away the DuckDB build's partial parse (and back).
# The fits' cache is Spark's own too, so a Spark build fits on its own tables rather than loading DuckDB's fits.
DBT_ENV += CUSTSEG_SPARK_DIR=$(WAREHOUSE_DIR)/spark DBT_TARGET_PATH=$${DBT_TARGET_PATH:-target/spark} \
	CUSTSEG_FIT_CACHE_DIR=$${CUSTSEG_FIT_CACHE_DIR-$(WAREHOUSE_DIR)/spark/fit_cache}
# What runs on Spark (selectors.yml): everything but the Great Expectations model and what reads it.
override DBT_ARGS += --selector spark
build publish docs: setup-spark
endif

## setup-spark: requirements/spark.txt (dbt-spark[session], pyspark) into .venv; needs Java 17 to run
setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): requirements/spark.txt $(STAMP)
	$(BIN)/pip install --quiet -r requirements/spark.txt
	touch $(SPARK_STAMP)

## test-spark: the Spark-vs-DuckDB test; run, never skipped: it fails without pyspark or Java 17
test-spark: setup-spark
	$(BIN)/pytest -m spark tests/python/test_spark_matches_duckdb.py tests/python/test_spark_raw_files.py \
		tests/python/test_spark_serving.py

# make bench builds each world up to 1M order lines on Spark too (custseg bench, run "spark local").
bench: setup-spark
