# Two commands for a new user:  `make build`  and  `make test`.
# Everything else (setup, data, lint, docs, bench) is a step of those or a helper.

DATASET      ?= sample
RAW_DATA_DIR ?= $(if $(filter sample,$(DATASET)),data/sample,data/raw)
WAREHOUSE_DIR ?= warehouse
SHARED_DATA  ?= ../shared/data
SAMPLE_CUSTOMERS ?= 5000
SEED         ?= 42
PYTHON       ?= python3

VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# `make build` runs plain `dbt build` in this folder, with this environment and these vars; it prints the command,
# which a user can copy and run with the virtualenv active. For the default sample data set the vars are
# dbt_project.yml's defaults, so a bare `dbt build` here builds the same project (the same manifest).
# dbt's on-run-end hooks checkpoint the database and, after a successful build, publish the serving copy
# ($(WAREHOUSE_DIR)/serving/$(DATASET).duckdb and its Parquet folder, read-only, swapped in atomically: BI tools
# read these, never the database dbt writes) and write the report, $(WAREHOUSE_DIR)/reports/$(DATASET).html.
# Fits whose inputs did not change are loaded from $(WAREHOUSE_DIR)/fit_cache/, beside the database, not refitted
# (src/custseg/fit_cache.py; a plain `dbt build` uses the same folder).
# dbt's target folder is ./target, or DBT_TARGET_PATH if set (dbt reads it itself).
DBT_ENV := DBT_PROFILES_DIR=. CUSTSEG_DB_PATH=$(WAREHOUSE_DIR)/$(DATASET).duckdb
# MAPPING=<file.yml>: the mapping of a user's export (DATASET=user; keys in models/staging/user/_user__sources.yml),
# merged by custseg.dbt_vars into the one --vars dict (dbt keeps only the last --vars, which would drop `dataset`).
# A mapping file that cannot be read stops make here, with the helper's message naming the file.
MAPPING ?=
ifneq ($(MAPPING),)
MAPPING_VARS := $(shell $(BIN)/python -m custseg.dbt_vars --dataset $(DATASET) --raw-data-dir $(RAW_DATA_DIR) \
	--mapping $(MAPPING))
$(if $(MAPPING_VARS),,$(error MAPPING=$(MAPPING) could not be merged into the vars (see the message above)))
DBT_VARS := --vars '$(subst ','\'',$(MAPPING_VARS))'
else
DBT_VARS := --vars '{dataset: $(DATASET), raw_data_dir: $(RAW_DATA_DIR)}'
endif
# Extra dbt arguments, e.g. DBT_ARGS=--full-refresh after the raw files were rewritten.
DBT_ARGS ?=
# The recipes that run dbt find it in the virtualenv, as a user with it active does.
build publish docs lint: export PATH := $(BIN):$(PATH)
# report: one HTML file with its figures, read from the serving copy (a build writes it too).
REPORT_HTML := $(WAREHOUSE_DIR)/reports/$(DATASET).html
REPORT := $(BIN)/python -m custseg.report --db $(WAREHOUSE_DIR)/serving/$(DATASET).duckdb --dataset $(DATASET) \
	--out $(REPORT_HTML)

.PHONY: build test setup chromium data dbt-build pytest dbt-test-all lint docs publish report report-images bench clean

## build: set up, generate the sample data if missing, then `dbt build` of $(DATASET) (which publishes and reports)
# (the sample data only when the build reads it: a build of another folder never writes data/sample)
build: setup $(if $(and $(filter sample,$(DATASET)),$(filter data/sample,$(RAW_DATA_DIR))),data)
	@mkdir -p $(WAREHOUSE_DIR)
	$(DBT_ENV) dbt build $(DBT_VARS) $(DBT_ARGS)

## publish: publish the serving copy and the report again from the built warehouse (a build does it itself)
publish: setup
	$(DBT_ENV) dbt run-operation publish_serving_copy $(DBT_VARS)

## report: write $(WAREHOUSE_DIR)/reports/$(DATASET).html from the serving copy
report: setup
	$(REPORT)

## report-images: the README's pictures (docs/images/report_*.png), taken from the sample report in headless Chromium
report-images: setup
	$(BIN)/python -m custseg.report.screenshots --report $(WAREHOUSE_DIR)/reports/sample.html --out docs/images

## test: set up, then lint and the whole suite in two processes (every pytest test: the DuckDB builds with every
## data and unit test, and make test-spark's Spark builds; tests/python/conftest.py groups them), then make build
test: setup setup-spark chromium
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder --durations=25 -m "spark or not spark"
	$(MAKE) build DATASET=sample WAREHOUSE_DIR=$(WAREHOUSE_DIR)

setup: $(STAMP)

## chromium: Debian's Chromium for the report's browser test (apt-get, as root or through sudo; skipped when present)
chromium:
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	@chromium --version

$(STAMP): requirements/runtime.txt requirements/dev.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## data: generate the default synthetic world into data/sample (skipped when present)
data: data/sample/world.json

data/sample/world.json: | $(STAMP)
	$(BIN)/custseg generate --out data/sample --customers $(SAMPLE_CUSTOMERS) --seed $(SEED)

## lint: sqlfluff (dbt templater) on the SQL of models, macros, analyses and tests
# The dbt templater compiles against a fresh, empty database, so lint sees the same SQL on a clean clone and
# after a build (models that read tables at compile time are skipped either way, as on CI).
LINT_DB := $(abspath $(WAREHOUSE_DIR))/lint.duckdb
lint: setup
	@mkdir -p $(WAREHOUSE_DIR)
	rm -f $(LINT_DB) $(LINT_DB).wal
	DBT_PROFILES_DIR=. CUSTSEG_DB_PATH=$(LINT_DB) sqlfluff lint models macros analyses tests
	rm -f $(LINT_DB) $(LINT_DB).wal

## docs: the dbt docs site; --static also writes one self-contained file, static_index.html, in dbt's target folder
docs: setup
	$(DBT_ENV) dbt docs generate --static $(DBT_VARS)

## bench: project build vs notebook approach vs floor at BENCH_SIZES order lines, DuckDB vs Spark up to 1M (bench/results/)
BENCH_SIZES ?= 100k,1m,10m,50m
bench: setup
	$(BIN)/custseg bench --sizes $(BENCH_SIZES) --out bench/results

## clean: remove dbt's target, the warehouses, the fit cache, the serving copies and the reports;
## `make clean DATASET=<name>` removes that data set's warehouse, serving copy, Parquet folder and report only
clean:
ifeq ($(origin DATASET),command line)
	rm -rf $(WAREHOUSE_DIR)/$(DATASET).duckdb $(WAREHOUSE_DIR)/$(DATASET).duckdb.wal \
		$(WAREHOUSE_DIR)/serving/$(DATASET).duckdb $(WAREHOUSE_DIR)/serving/$(DATASET).previous.duckdb \
		$(WAREHOUSE_DIR)/serving/$(DATASET) $(WAREHOUSE_DIR)/serving/.$(DATASET).* $(WAREHOUSE_DIR)/reports/$(DATASET).html \
		$(WAREHOUSE_DIR)/reports/.$(DATASET).html.*
else
	rm -rf target logs $(WAREHOUSE_DIR)/*.duckdb $(WAREHOUSE_DIR)/*.duckdb.wal $(WAREHOUSE_DIR)/fit_cache \
		$(WAREHOUSE_DIR)/serving $(WAREHOUSE_DIR)/reports \
		$(WAREHOUSE_DIR)/transcoded
endif

# The opt-in Spark target: make test-spark, make build DBT_TARGET=spark (docs/spark.md).
include spark.mk
