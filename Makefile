# Two commands are all a user needs: `make contract` and `make test`.
# Both create the virtual environment on first use (Python 3.11+, pip, make).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup contract test lint generate check-generated fmt clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

contract: setup
	$(BIN)/twosms-contract lint
	$(BIN)/twosms-contract test

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/twosms-contract lint
	$(BIN)/twosms-contract generate --check
	$(BIN)/pytest

generate: setup
	$(BIN)/twosms-contract generate

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
