# Margin Academy: `make run` sets up and serves the site, `make test` sets up and runs every test.
# Both are idempotent: a second run only redoes what changed and keeps the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_DEBUG ?= 1

.PHONY: run setup test test-fast test-browser lint seed serve-prod bench-engine bench-http bench-inprocess lock clean-venv

run: setup seed ## set up everything, then serve on http://$(HOST):$(PORT)
	$(MANAGE) runserver $(HOST):$(PORT)

setup: $(VENV)/.installed static/vendor/.copied

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages come from the npm registry and are served by Django from static/vendor/.
# Source maps come along: collectstatic's manifest storage checks every file a script refers to.
static/vendor/.copied: node_modules/.installed Makefile
	mkdir -p static/vendor/htmx static/vendor/bootstrap
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	touch $@

seed: setup ## migrate and load the course, the question bank and the demo accounts
	$(MANAGE) migrate --no-input
	$(MANAGE) seed

test: setup ## lint, Django checks, then every test (browser tests included)
	DJANGO_DEBUG=0 bash scripts/test.sh

test-fast: setup ## everything but the browser tests
	DJANGO_DEBUG=0 $(BIN)/pytest -m "not browser"

test-browser: setup ## only the browser tests (needs /usr/bin/chromium or CHROMIUM_PATH)
	DJANGO_DEBUG=0 $(BIN)/pytest -m browser

.PHONY: audit
audit: setup ## known vulnerabilities in the pinned Python and npm packages (needs the registries)
	bash scripts/audit.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve-prod: setup ## production mode: DEBUG off, collectstatic, granian + whitenoise (README: Performance)
	DJANGO_DEBUG=0 $(MANAGE) collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=0 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=0 $(BIN)/granian --interface wsgi --host $(HOST) --port $(PORT) \
		--workers 2 --blocking-threads 2 --respawn-failed-workers --access-log \
		academy.wsgi:application

bench-engine: setup ## engine per-call costs and Monte Carlo speed, one core (about 30 s)
	$(BIN)/python -m benchmarks.engine_bench

bench-http: setup wrk ## pages and endpoints under wrk, granian at 8 connections, loopback (about 6 min)
	$(BIN)/python -m benchmarks.http_bench

bench-inprocess: setup ## pages and endpoints through Django in-process, as multiples of /healthz/ (about 1 min)
	$(BIN)/python -m benchmarks.inprocess_bench

# wrk comes from Debian: installed here when missing and we are root, else a clear message.
.PHONY: wrk
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk; \
	  else echo "bench-http needs wrk: run 'sudo apt-get install -y wrk' (Debian/Ubuntu) or install it from https://github.com/wg/wrk" >&2; exit 1; fi; }

lock: ## re-pin Python dependencies after editing pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock --quiet
