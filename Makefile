# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench coverage clean worker serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

run: export DEBUG ?= 1
run: $(VENV)/.run-installed
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a Celery worker and beat. Ctrl-C stops all."
	exec $(BIN)/python manage.py serve_all --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bench/coverage.py (the interval simulation, ~40 minutes) runs on its own: make coverage
bench: $(VENV)/.dev-installed
	for script in bench/*.py; do \
	  [ "$$script" = bench/coverage.py ] && continue; \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

coverage: $(VENV)/.dev-installed
	$(BIN)/python bench/coverage.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
