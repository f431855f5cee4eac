# Entry points that work on a fresh machine with only python3:
#   make demo   create .venv, install, then init, validate, plan, apply, plan again (mock adapter)
#   make test   create .venv, install with test extras, then lint, type-check and test
#   make check  the fast tier, for the edit-test loop: lint, then the tests not marked e2e
#               (no coverage threshold; make test, which CI runs, runs every test)
#   make docs   create .venv, install with test extras, then build the documentation site into site/
#   make browser  install Debian's chromium and chromium-driver (as root, with apt-get), which
#                 the report's browser tests need; without them those tests are skipped
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint typecheck pytest docs schemas bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@bash scripts/demo.sh $(abspath $(BIN))/gladcfg

lint: $(VENV)/.installed-test
	$(BIN)/ruff check gladcfg tests bench
	$(BIN)/ruff format --check gladcfg tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest --cov --cov-report=term

test: lint typecheck pytest

check: lint
	$(BIN)/pytest -q -m "not e2e"

# Material for MkDocs prints a notice about its future on every build; it is not a warning
# about these pages (strict mode still fails on those), so it is turned off.
docs: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

schemas: $(VENV)/.installed
	$(BIN)/gladcfg schema --out schemas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage site

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/gladly.py

# Debian's own Chromium and ChromeDriver (no browser download of its own): headless, for
# tests/e2e/test_report_browser.py. Needs root and apt-get; does nothing when both are there.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
		chromium --version 2>/dev/null; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver >/dev/null && \
		chromium --version 2>/dev/null; \
	else \
		echo "make browser: needs root and apt-get to install Debian's chromium and chromium-driver" >&2; \
		exit 1; \
	fi
