# Two commands for a new user:  `make build`  and  `make test`.
# Everything else (setup, data, lint, docs, bench) is a step of those or a helper.

DATASET      ?= sample
RAW_DATA_DIR ?= $(if $(filter sample,$(DATASET)),data/sample,data/raw)
WAREHOUSE_DIR ?= warehouse
SHARED_DATA  ?= ../shared/data
SAMPLE_CUSTOMERS ?= 5000
SEED         ?= 42
PYTHON       ?= python3
# dbt's target folder (dbt reads DBT_TARGET_PATH itself; publish reads the manifest.json there).
DBT_TARGET_PATH ?= target

VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
DB     := $(abspath $(WAREHOUSE_DIR))/$(DATASET).duckdb
RAW    := $(abspath $(RAW_DATA_DIR))
# dbt reads profiles.yml from this folder; the database path is absolute, so dbt works from anywhere.
# CUSTSEG_FIT_CACHE_DIR: fits whose inputs did not change are loaded, not refitted (src/custseg/fit_cache.py).
# CUSTSEG_WORKER_PROCESSES: the fits and the GE run of the Python models work in 2 worker processes (one per core),
# not under the dbt process's interpreter lock (src/custseg/workers.py). dbt runs through custseg.dbt_cli, which is
# dbt's own command line except that it starts their fork server before dbt parses the project (src/custseg/dbt_cli.py).
DBT_ENV := DBT_PROFILES_DIR=$(CURDIR) CUSTSEG_DB_PATH=$(DB) DBT_SEND_ANONYMOUS_USAGE_STATS=false \
	CUSTSEG_FIT_CACHE_DIR=$(abspath $(WAREHOUSE_DIR))/fit_cache/$(DATASET) CUSTSEG_WORKER_PROCESSES=2
DBT_VARS := --vars '{dataset: $(DATASET), raw_data_dir: "$(RAW)"}'
# Extra dbt arguments, e.g. DBT_ARGS=--full-refresh after the raw files were rewritten.
DBT_ARGS ?=
DBT    := cd $(CURDIR) && $(DBT_ENV) $(BIN)/python -m custseg.dbt_cli
SERVING_DIR := $(abspath $(WAREHOUSE_DIR))/serving
# publish: the public tables, copied to $(SERVING_DIR)/$(DATASET).duckdb (read-only, swapped in atomically)
# and $(SERVING_DIR)/$(DATASET)/*.parquet. BI tools read these, never the database dbt writes.
PUBLISH := $(BIN)/python -m custseg.serving --db $(DB) --manifest $(abspath $(DBT_TARGET_PATH))/manifest.json \
	--serving-dir $(SERVING_DIR) --dataset $(DATASET)
# report: one HTML file with its figures, read from the serving copy.
REPORT_HTML := $(abspath $(WAREHOUSE_DIR))/reports/$(DATASET).html
REPORT := $(BIN)/python -m custseg.report --db $(SERVING_DIR)/$(DATASET).duckdb --dataset $(DATASET) \
	--out $(REPORT_HTML)

.PHONY: build test setup data dbt-build pytest dbt-test-all lint docs publish report bench clean

## build: set up, generate the sample data if missing, build the warehouse for $(DATASET), publish, report
# (the report of the new serving copy is rendered while publish writes its Parquet files)
build: setup $(if $(filter sample,$(DATASET)),data)
	@mkdir -p $(WAREHOUSE_DIR)
	$(DBT) build $(DBT_VARS) $(DBT_ARGS)
	$(PUBLISH) --report $(REPORT_HTML)

## publish: copy the public tables of the built warehouse to the serving folder (after a successful build)
publish: setup
	$(PUBLISH)

## report: write $(WAREHOUSE_DIR)/reports/$(DATASET).html from the serving copy
report: setup
	$(REPORT)

## test: set up, then the whole suite (pytest, and dbt build with every data and unit test)
test: setup
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest
	$(MAKE) build DATASET=sample WAREHOUSE_DIR=$(WAREHOUSE_DIR)

setup: $(STAMP)

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
	cd $(CURDIR) && $(DBT_ENV) CUSTSEG_DB_PATH=$(LINT_DB) $(BIN)/sqlfluff lint models macros analyses tests
	rm -f $(LINT_DB) $(LINT_DB).wal

## docs: the dbt docs site; --static also writes one self-contained file, $(DBT_TARGET_PATH)/static_index.html
docs: setup
	$(DBT) docs generate --static $(DBT_VARS)

## bench: project build vs notebook approach vs floor at BENCH_SIZES order lines (table in bench/results/)
BENCH_SIZES ?= 100k,1m,10m,50m
bench: setup
	$(BIN)/custseg bench --sizes $(BENCH_SIZES) --out bench/results

## clean: remove dbt's target, the warehouses, the fit cache, the serving copies and the reports
clean:
	rm -rf target logs $(WAREHOUSE_DIR)/*.duckdb $(WAREHOUSE_DIR)/fit_cache $(WAREHOUSE_DIR)/serving $(WAREHOUSE_DIR)/reports
