# Entry points that work on a fresh machine with only python3:
#   make demo   create .venv, install, then init, validate, plan, apply, plan again (mock adapter)
#   make test   create .venv, install with test extras, then lint, type-check and test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest schemas bench clean

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

schemas: $(VENV)/.installed
	$(BIN)/gladcfg schema --out schemas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/gladly.py
