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

# The demo ends by serving the gallery on its images (prints the URL; Ctrl-C stops it).
demo: $(VENV)/.installed
	$(BIN)/ideovault --home demo-vault demo
	$(BIN)/ideovault --home demo-vault serve

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (never `playwright install`, which downloads a
# browser). Installed once when missing; the package lists are refreshed only if that fails.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# axe-core (the accessibility check the browser tests inject) comes from the npm registry,
# pinned by tests/web/package-lock.json.
AXE := tests/web/node_modules/axe-core/axe.min.js
$(AXE): tests/web/package.json
	cd tests/web && npm install --no-audit --no-fund

test: $(CHROMIUM) $(VENV)/.installed-dev $(AXE) lint typecheck
	$(BIN)/pytest -q

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/lifecycle.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/curation.py

clean:
	rm -rf $(VENV) demo-vault test-artifacts .pytest_cache .mypy_cache .ruff_cache
