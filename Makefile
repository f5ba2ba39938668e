# One entry point for developers and CI. `make run` and `make check` are the README's two commands.
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install install-dev run test lint typecheck check

install:
	bash scripts/install.sh

install-dev:
	bash scripts/install.sh --dev

run: install
	$(BIN)/nkwatch serve

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports  # layer contracts in pyproject.toml [tool.importlinter]

typecheck:
	$(BIN)/mypy

test:
	$(BIN)/pytest -q

check: install-dev lint typecheck test
