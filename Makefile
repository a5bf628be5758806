# Accord: two commands for a new machine.
#   make run    set up, migrate, load the demo when empty, serve on http://127.0.0.1:$(PORT)
#   make test   the same set-up plus test dependencies, then ruff and the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT
export FLASK_APP := wsgi.py

.PHONY: run test setup setup-test system system-test lint migrate demo serve bench clean

run: setup migrate demo
	@$(BIN)/flask demo-accounts
	@echo "Accord is starting on http://127.0.0.1:$(PORT) with its background worker (Ctrl+C stops both)"
	@bash scripts/serve.sh

test: setup-test
	$(BIN)/ruff check --config scripts/ruff.toml .
	$(BIN)/python -m pytest -c tests/pytest.ini --rootdir . -n auto $(PYTEST_ARGS)

setup: system $(VENV)/.runtime-installed static/vendor/nhsuk/nhsuk-frontend.min.css

setup-test: system-test $(VENV)/.test-installed static/vendor/nhsuk/nhsuk-frontend.min.css

system:
	@bash scripts/install-system.sh

system-test:
	@bash scripts/install-system.sh --test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-installed: requirements.txt requirements-dev.txt $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/vendor/nhsuk/nhsuk-frontend.min.css: node_modules/.package-lock.json scripts/vendor_assets.py
	$(BIN)/python scripts/vendor_assets.py

migrate:
	$(BIN)/flask db upgrade

demo:
	$(BIN)/flask seed-demo --if-empty

lint:
	$(BIN)/ruff check --config scripts/ruff.toml .

bench: setup-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules static/vendor
