# FieldApp: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app fieldapp

CHROMIUM := /usr/bin/chromium

.PHONY: run test bench install clean browser screenshots pdf-deps redis wrk lighthouse messages

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

# `flask notify` runs every minute beside the server (reminders, surveys, retries: cron's job in
# production, see README), and stops with it.
run: $(VENV)/.runtime pdf-deps
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	export FIELDAPP_SERVED_AT=http://$(HOST):$(PORT); \
	  ( while sleep 60; do $(FLASK) notify --quiet || true; done ) & notifier=$$!; \
	  trap 'kill $$notifier 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Translatable text: extracted into messages.pot, then merged into every language's .po (new
# entries empty, none marked fuzzy). The app reads the .po files themselves (fieldapp/languages.py).
KEYWORDS := -k _l -k lazy_gettext -k _n:1,2 -k lazy_ngettext:1,2 -k _ln:1,2 -k lazy_pgettext:1c,2
messages: $(VENV)/.runtime
	$(BIN)/pybabel -q extract -F babel.cfg $(KEYWORDS) --add-comments=TRANSLATORS: --add-location=file \
	  --sort-by-file --project=FieldApp --copyright-holder="FieldApp" --msgid-bugs-address="" \
	  -o fieldapp/translations/messages.pot .
	$(BIN)/pybabel -q update -i fieldapp/translations/messages.pot -d fieldapp/translations \
	  --no-fuzzy-matching --ignore-obsolete

# The browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# WeasyPrint lays out the report PDFs with Pango, HarfBuzz and fonts from Debian.
# WenQuanYi Micro Hei writes the Chinese reports (1.6 MB download, 5 MB installed: the smallest
# complete CJK font Debian has; Noto CJK is 56 MB).
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
            fonts-wqy-microhei
pdf-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0.so.0 && ldconfig -p | grep -q libharfbuzz-subset.so.0 \
	   && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	   && test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc; } || { \
	  echo "Installing Pango and fonts for the report PDFs"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $(PDF_LIBS) >/dev/null; fi; }

# The scale-out test shares Flask-Limiter's counts between two servers through a real Redis.
REDIS_SERVER := /usr/bin/redis-server
redis:
	@test -x $(REDIS_SERVER) || { \
	  echo "Installing Debian's redis-server for the scale-out test"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >/dev/null; fi; }

# axe-core checks accessibility (WCAG 2 AA) in the browser tests; from the npm registry.
AXE := .cache/node/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/node axe-core@4.14.1

# Two workers: this machine has 2 cores (PostgreSQL runs give each worker its own schema);
# worksteal: an idle worker takes tests queued for the other, so the slow browser tests do not
# leave one core waiting at the end.
PYTEST_ARGS ?= -n 2 --dist worksteal

test: $(VENV)/.test browser pdf-deps $(AXE) redis
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# wrk drives the load in `make bench` (Debian's package); gunicorn serves, as in production.
wrk:
	@command -v wrk >/dev/null || { \
	  echo "Installing wrk for the benchmark"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi; }

bench: $(VENV)/.test browser wrk pdf-deps
	$(BIN)/python tools/bench.py
	$(BIN)/python tools/bench_notify.py

screenshots: $(VENV)/.test browser
	$(BIN)/python tools/screenshots.py
	FIELDAPP_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
	  tests/browser/test_customer_messages.py  # the booking email and the status page

# Lighthouse (mobile) on Today and a visit page, from the npm registry; needs Node >= 18.16
# (Lighthouse 13 wants Node 22). It reports scores; it never fails on a number.
LIGHTHOUSE := .cache/node/node_modules/lighthouse/cli/index.js
$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix .cache/node lighthouse@12.8.2

lighthouse: $(VENV)/.runtime browser $(LIGHTHOUSE)
	$(BIN)/python tools/lighthouse.py

clean:
	rm -rf $(VENV) build *.egg-info
