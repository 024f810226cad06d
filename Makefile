# Marsad — media monitoring for comms teams. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MARSAD_DB ?= data/marsad.duckdb
MARSAD_FEEDS ?= data/feeds.toml
export MARSAD_DB MARSAD_FEEDS

.DEFAULT_GOAL := help
.PHONY: help setup test lint demo run bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Marsad needs Python >= 3.11"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu run 'sudo apt install python3-venv'"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install Marsad's dependencies

test: $(STAMP) ## run every test (sets up .venv first)
	$(PY) -m pytest

lint: $(STAMP) ## ruff over the code
	$(VENV)/bin/ruff check .

demo: $(STAMP) ## build the sample database from built-in feeds and open the dashboard on :8501
	$(PY) -m ingest demo --db data/demo.duckdb
	MARSAD_DB=data/demo.duckdb $(PY) -m dashboard

run: $(STAMP) ## poll the real feeds in data/feeds.toml every 15 minutes and open the dashboard
	$(PY) -m ingest loop --every 15m & trap "kill $$!" EXIT; $(PY) -m dashboard

bench: $(STAMP) ## run the benchmarks and write bench/RESULTS.md
	$(PY) -m bench.run_all

clean: ## remove the virtualenv and caches (keeps your databases)
	rm -rf $(VENV) .pytest_cache .ruff_cache
