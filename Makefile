# Atlas: the front door. `make run` to start, `make test` to test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What Atlas needs to run; the test tools (pytest, Playwright, ruff, axe-core...) come on top
# with the first `make test` or `make lint`, never with `make run`.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run setup test test-fast lint format check-migrations bench-pages bench-newsroom clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) tests/js/package.json
	$(BIN)/python -m pip install --quiet -e ".[test]"
	cd tests/js && npm ci --silent --no-audit --no-fund
	touch $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/atlas run

setup: $(STAMP)
	$(BIN)/atlas setup

# Every core (pytest-xdist); tests that share the task queue run on one worker (loadgroup).
test: $(TEST_STAMP)
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# What to run while working: no process, server, browser or demo (under a minute).
test-fast: $(TEST_STAMP)
	$(BIN)/pytest -n auto --dist loadgroup -m "not slow" $(PYTEST_ARGS)

# ruff (lint and format), import-linter (dependencies run one way), mypy (types).
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(STAMP)
	$(BIN)/atlas makemigrations --check --dry-run

bench-pages: $(TEST_STAMP)
	$(BIN)/python bench/pages

bench-newsroom: $(STAMP)
	$(BIN)/python bench/newsroom

clean:
	rm -rf $(VENV) var tests/js/node_modules
