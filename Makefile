# Atlas: the front door. `make run` to start, `make test` to test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint format check-migrations bench-pages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/atlas run

# Every core (pytest-xdist); tests that share the task queue run on one worker (loadgroup).
test: $(STAMP)
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# What to run while working: no process, server, browser or demo (under a minute).
test-fast: $(STAMP)
	$(BIN)/pytest -n auto --dist loadgroup -m "not slow" $(PYTEST_ARGS)

# ruff (lint and format), import-linter (dependencies run one way), mypy (types).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(STAMP)
	$(BIN)/atlas makemigrations --check --dry-run

bench-pages: $(STAMP)
	$(BIN)/python bench/pages

clean:
	rm -rf $(VENV) var
