# Sales Drill Workbook — the two commands users need:
#   make app    install (first run) and serve the workbook with Voilà on http://127.0.0.1:8866
#   make test   install, add chromium + CJK fonts through apt when missing, run every test
SHELL      := /bin/bash
PYTHON     ?= python3
VENV       ?= .venv
PY         := $(VENV)/bin/python
HOST       ?= 127.0.0.1
PORT       ?= 8866
ACCEPTANCE ?= ../shared/acceptance
STAMP      := $(VENV)/.installed
HUB        := http://$(HOST):$(PORT)/voila/render/index.ipynb

.PHONY: app test install app-deps system-deps test-unit test-notebooks test-browser test-acceptance bench lint strip clean help

help:
	@echo "make app    serve the workbook (hub: $(HUB))"
	@echo "make test   run every test (unit, statistical, notebooks, browser, contract)"
	@echo "make bench  run the benchmarks (figures go to benchmarks/RESULTS.md)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[app,dev]'
	@touch $@

install: $(STAMP)

app: install app-deps
	$(PY) -m simlib.ui.serve --host $(HOST) --port $(PORT)

# What the machine needs beside the venv, from Debian when missing (apt-get; elsewhere the command says what to
# install and goes on): chromium draws the workshop's charts as PNG and runs the browser tests, Noto CJK renders
# Chinese in both, and PostgreSQL's binaries let the workshop store's tests start a throwaway server (TOOLCHAIN.md).
APT_MISSING = missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	(fc-list 2>/dev/null | grep -qi "Noto Sans CJK") || missing="$$missing fonts-noto-cjk"
APT_INSTALL = if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	    echo "Installing with apt:$$missing"; \
	    $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "Please install:$$missing (no apt-get here)"; fi; \
	fi

app-deps:
	@$(APT_MISSING); $(APT_INSTALL)

system-deps:
	@$(APT_MISSING); \
	(ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1) || missing="$$missing postgresql"; \
	$(APT_INSTALL)

test: install system-deps
	$(MAKE) --no-print-directory test-unit test-notebooks test-browser test-acceptance

test-unit: install
	$(PY) -m pytest tests simlib -m "not browser" --ignore=tests/browser --ignore=tests/test_notebooks.py -q -n 2 --dist loadfile

test-notebooks: install
	@if [ -f tests/test_notebooks.py ]; then $(PY) -m pytest tests/test_notebooks.py -q -n 2; fi

test-browser: install system-deps
	@if [ -d tests/browser ]; then $(PY) -m pytest tests/browser -q -n 2 --dist loadfile; fi

# The product's executable contract, when it sits beside the project (it does in CI, not for users).
test-acceptance: install
	@if [ -d "$(ACCEPTANCE)" ]; then \
	  $(PY) -m pytest -q -p no:cacheprovider --rootdir="$(CURDIR)" $(ACCEPTANCE)/test_*.py; \
	else echo "($(ACCEPTANCE) not present: contract examples skipped)"; fi

bench: install
	$(PY) benchmarks/run.py

lint: install
	$(VENV)/bin/ruff check simlib tests benchmarks
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts .hypothesis
