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
DB     := $(abspath $(WAREHOUSE_DIR))/$(DATASET).duckdb
RAW    := $(abspath $(RAW_DATA_DIR))
# dbt reads profiles.yml from this folder; the database path is absolute, so dbt works from anywhere.
DBT_ENV := DBT_PROFILES_DIR=$(CURDIR) CUSTSEG_DB_PATH=$(DB) DBT_SEND_ANONYMOUS_USAGE_STATS=false
DBT_VARS := --vars '{dataset: $(DATASET), raw_data_dir: "$(RAW)"}'
DBT    := cd $(CURDIR) && $(DBT_ENV) $(BIN)/dbt

.PHONY: build test setup data dbt-build pytest dbt-test-all lint docs clean

## build: set up, generate the sample data if missing, and build the warehouse for $(DATASET)
build: setup $(if $(filter sample,$(DATASET)),data)
	@mkdir -p $(WAREHOUSE_DIR)
	$(DBT) build $(DBT_VARS)

## test: set up, then the whole suite (pytest, and dbt build with every data and unit test)
test: setup
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

lint: setup
	cd $(CURDIR) && $(DBT_ENV) $(BIN)/sqlfluff lint models macros analyses tests

docs: setup
	$(DBT) docs generate $(DBT_VARS)

clean:
	rm -rf target logs $(WAREHOUSE_DIR)/*.duckdb
