# Two commands are all a user needs: `make contract` and `make test`.
# Both create the virtual environment on first use (Python 3.11+, pip, make).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright.
BROWSER := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup browser contract shards test lint generate check-generated fmt clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) browser

# Skipped when the browser is there; else Debian's package (apt-get, as root or with sudo).
browser:
	@test -x $(BROWSER) || { \
	  echo "installing chromium for the browser tests"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

# The contract run needs no browser: only the virtual environment.
contract: $(STAMP)
	$(BIN)/twosms-contract lint
	$(BIN)/twosms-contract test

# One run as SHARDS shards in parallel, each against an embedded mock of its own, merged
# into OUT/ (docs/ci.md); SEED fixes the run (default: a random one, printed).
SHARDS ?= 3
SEED ?=
OUT ?= shards
shards: $(STAMP)
	BIN=$(BIN) scripts/run-shards $(SHARDS) "$(SEED)" $(OUT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/twosms-contract lint
	$(BIN)/twosms-contract generate --check
	$(BIN)/pytest -n 2 --dist loadfile

generate: setup
	$(BIN)/twosms-contract generate

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
