# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The demo needs only the runtime install.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

# The semantic extra needs PyTorch: pin the release whose CPU build lies on these machines
# (elsewhere pip fetches the same release from PyPI).
$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q 'torch==2.13.0'
	$(BIN)/pip install -q -e '.[dev,semantic]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/ideovault --home demo-vault demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

test: $(VENV)/.installed-dev lint typecheck
	$(BIN)/pytest -q

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/lifecycle.py
	$(BIN)/python bench/storage.py

clean:
	rm -rf $(VENV) demo-vault .pytest_cache .mypy_cache .ruff_cache
