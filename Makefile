# Two commands do all set-up on a fresh machine: `make run` and `make test`. `make lint` runs ruff and mypy.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/papercast: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# Resemblyzer's speaker encoder (weights in its wheel) for tests/audio/speakers.py, without the torch it declares.
$(VENV)/.dev: $(BIN)/papercast
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps 'resemblyzer==0.1.4'
	touch $@

run: $(BIN)/papercast
	$(BIN)/papercast serve

test: $(VENV)/.dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# ruff's rules and mypy's settings are in pyproject.toml ([tool.ruff], [tool.mypy]).
lint: $(VENV)/.dev
	$(BIN)/ruff check workflows bot tests bench
	$(BIN)/mypy

bench: $(VENV)/.dev
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var
