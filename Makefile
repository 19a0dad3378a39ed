# ckanext-gbgopendata: set-up, local stack, demo portal and tests.
#
#   make serve    install, start the stack, load demo data, serve on :5000
#   make test     install, start the stack, run the whole test suite
#   make stop     stop the stack
#   make bench    the harvest benchmark (BENCH_N="1000 10000"), writes docs/performance.md
#
# CKAN_VERSION=2.11.6 selects the other supported CKAN; each version has its
# own virtualenv under .venv/.

CKAN_VERSION ?= 2.12.0
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv/ckan-$(CKAN_VERSION)
PY := $(abspath $(VENV))/bin/python
CKAN := $(abspath $(VENV))/bin/ckan
STACK := stack/stack.sh
PORTAL_INI := .stack/ckan.ini
I18N := ckanext/gbgopendata/i18n
PYTEST_ARGS ?=

export CKAN_PYTHON := $(PY)
export PYTHON

.PHONY: install i18n start stop status serve test demo i18n-extract clean bench

# --- installation ------------------------------------------------------------

install: $(VENV)/.installed i18n

# System packages first: psycopg2 builds against libpq-dev.
$(VENV)/.installed: requirements/base.txt requirements/test.txt requirements/stack.txt pyproject.toml setup.py
	$(STACK) packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q "ckan[requirements]==$(CKAN_VERSION)" -r requirements/base.txt -r requirements/test.txt -r requirements/stack.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# Message catalogues: the .po files are committed, the .mo files are built here.
i18n: $(patsubst %.po,%.mo,$(wildcard $(I18N)/*/LC_MESSAGES/*.po))

%.mo: %.po $(VENV)/.installed
	$(abspath $(VENV))/bin/pybabel -q compile -i $< -o $@

# Re-extracts the .pot and merges it into the sv/en catalogues (for developers).
i18n-extract: $(VENV)/.installed
	$(abspath $(VENV))/bin/pybabel -q extract -F babel.cfg --no-location --sort-output \
	  --project ckanext-gbgopendata -o $(I18N)/ckanext-gbgopendata.pot .
	$(abspath $(VENV))/bin/pybabel -q update -D ckanext-gbgopendata -i $(I18N)/ckanext-gbgopendata.pot -d $(I18N) --no-fuzzy-matching

# --- local stack ---------------------------------------------------------------

start: install
	$(STACK) start

stop:
	$(STACK) stop

status:
	$(STACK) status

# --- demo portal -----------------------------------------------------------------

$(PORTAL_INI): | install
	mkdir -p .stack
	$(CKAN) generate config $(PORTAL_INI)

demo: start $(PORTAL_INI)
	$(CKAN) config-tool $(PORTAL_INI) -f stack/portal-settings.ini
	$(CKAN) -c $(PORTAL_INI) db init
	$(CKAN) -c $(PORTAL_INI) gbgopendata load-demo --admin-password-file .stack/admin-password

# The web server with CKAN's background jobs worker beside it; both stop together.
serve: demo
	@echo "Portal: http://127.0.0.1:5000"
	stack/serve.sh dev $(PORTAL_INI)

# The same portal under gunicorn (deploy/gunicorn.conf.py), WORKERS processes.
WORKERS ?= 4
.PHONY: serve-prod
serve-prod: demo
	@echo "Portal (gunicorn, $(WORKERS) workers): http://127.0.0.1:5000"
	WORKERS=$(WORKERS) stack/serve.sh prod $(PORTAL_INI)

# --- benchmark ---------------------------------------------------------------------

# Its own databases, Solr cores and configurations (in .stack/bench), so
# the demo and the tests are untouched. PG_PORT, REDIS_PORT, SOLR_PORT and
# STACK_DIR from the environment name the stack, as for stack/stack.sh.
BENCH_N ?= 1000 10000

bench: start
	BENCH_N="$(BENCH_N)" $(PY) bench/run.py

# --- tests ---------------------------------------------------------------------------

test: start
	$(PY) -m pytest $(PYTEST_ARGS)

clean: stop
	rm -rf .stack .venv solr-launcher/target
