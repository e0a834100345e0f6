# cooplan: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean serve

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)  ## DEMO_FLAGS=--serve to serve the web app afterwards
	$(BIN)/cooplan demo examples/federation $(DEMO_FLAGS)

serve: $(STAMP)
	$(BIN)/cooplan serve --demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks experiments
	$(BIN)/ruff format --check src tests benchmarks experiments

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_balance.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
