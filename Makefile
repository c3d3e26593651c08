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

.PHONY: app test install system-deps test-unit test-notebooks test-browser test-acceptance bench lint strip clean help

help:
	@echo "make app    serve the workbook (hub: $(HUB))"
	@echo "make test   run every test (unit, statistical, notebooks, browser, contract)"
	@echo "make bench  run the benchmarks (figures go to benchmarks/RESULTS.md)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[app,dev]'
	@touch $@

install: $(STAMP)

app: install
	$(PY) -m simlib.ui.serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests, Noto CJK so that Chinese renders, and PostgreSQL for the workshop
# store's tests (each test process starts a throwaway server from its binaries; TOOLCHAIN.md).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	(fc-list 2>/dev/null | grep -qi "Noto Sans CJK") || missing="$$missing fonts-noto-cjk"; \
	(ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1) || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "Installing with apt:$$missing"; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi

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
