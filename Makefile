# FieldApp: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app fieldapp

CHROMIUM := /usr/bin/chromium

.PHONY: run test bench install clean browser screenshots

# Stamps re-run pip only when pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.runtime

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	FIELDAPP_SERVED_AT=http://$(HOST):$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# axe-core checks accessibility (WCAG 2 AA) in the browser tests; from the npm registry.
AXE := .cache/node/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/node axe-core@4.14.1

# Two workers: this machine has 2 cores (PostgreSQL runs give each worker its own schema).
PYTEST_ARGS ?= -n 2

test: $(VENV)/.test browser $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.runtime
	$(BIN)/python tools/bench.py

screenshots: $(VENV)/.test browser
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info
