# Community sponsorship portal. `make run` sets everything up and serves on 127.0.0.1:$(PORT);
# `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# Passed on to the server and the worker: SITE_URL (the links in emails) follows it in development.
export PORT
MANAGE := $(PY) manage.py
LANGS := lt en bg

.DEFAULT_GOAL := help
.PHONY: help install run setup worker beat test reliability bench lighthouse lint lint-arch fmt messages compilemessages check up down clean

help:
	@echo "make run      set up everything (venv, deps, migrations, translations, demo data) and serve on 127.0.0.1:$(PORT)"
	@echo "make test     run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make reliability  run only the reliability and data-protection tests and print their figures"
	@echo "make bench    benchmark pages (gunicorn + wrk, against a bare Django view), admin, matching and page weight"
	@echo "make lighthouse  Lighthouse mobile performance and accessibility of every public page (lt, en, bg)"
	@echo "make worker   run a Celery worker (needs REDIS_URL);  make beat: the periodic scheduler"
	@echo "make lint     ruff, ruff format --check, djLint, import-linter layers and mypy (make lint-arch: the last two)"
	@echo "make fmt | messages | compilemessages | check | up | down | clean"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

compilemessages: install
	$(BIN)/pybabel compile --domain "django djangojs" --directory locale --statistics 2>&1 | grep -v "^compiling" || true
	@for lang in $(LANGS); do test -f locale/$$lang/LC_MESSAGES/django.mo || { echo "missing locale/$$lang/LC_MESSAGES/django.mo"; exit 1; }; done

# Idempotent set-up: safe to run again, never duplicates data.
setup: install compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) roles_ensure
	$(MANAGE) createcachetable
	$(MANAGE) seed_content
	$(MANAGE) collectstatic --noinput --verbosity 0

run: export DEBUG ?= 1
run: export MFA_TOTP_INSECURE_BYPASS_CODE ?= 000000
run: setup
	$(MANAGE) demo_setup
	$(MANAGE) runserver 127.0.0.1:$(PORT)

worker: install
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel=INFO

test: install compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

# The reliability and data-protection figures (issue #10): faults, junk input, access, erasure, photos.
reliability: install compilemessages
	$(BIN)/pytest -m reliability -q $(PYTEST_ARGS)

# The benchmarks, on the configured database (DATABASE_URL, REDIS_URL), in one table: BENCH_SECONDS per
# wrk run (default 5), BENCH_FULL=1 for matching at 100k too, BENCH_ARGS for more (--json, --only pages).
# Use a benchmark database: the signed-in pages need the demo accounts, created when missing.
# The command itself runs with DEBUG on (it needs no secret); the servers it starts run with DEBUG off.
bench: export DEBUG ?= 1
bench: setup
	$(MANAGE) bench $(BENCH_ARGS)

# Lighthouse (pinned in tools/lighthouse, installed with npm ci) at its mobile settings on Debian's Chromium
# (CHROME_PATH), against gunicorn with DEBUG off on the configured database (the embedded SQLite default,
# or DATABASE_URL); one table of scores. A measurement, not part of `make test`. LIGHTHOUSE_ARGS for more
# (--lang lt, --only projects, --json).
LIGHTHOUSE_NODE := tools/lighthouse/node_modules/.package-lock.json
$(LIGHTHOUSE_NODE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund
	touch $@

lighthouse: export DEBUG ?= 1
lighthouse: export CHROME_PATH ?= /usr/bin/chromium
lighthouse: setup $(LIGHTHOUSE_NODE)
	$(MANAGE) lighthouse $(LIGHTHOUSE_ARGS)

lint: install lint-arch
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

# The declared layers (import-linter, [tool.importlinter] in pyproject.toml) and mypy with django-stubs
# on the services and the matching engine. Both run even when the first fails, so that one run shows
# every finding.
lint-arch: install
	@status=0; $(BIN)/lint-imports --no-cache || status=1; $(BIN)/mypy || status=1; exit $$status

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext) on the developer's machine; compiling does not.
messages: export DEBUG ?= 1
messages: install
	$(MANAGE) makemessages --no-location --no-obsolete $(addprefix -l ,$(LANGS)) --ignore=.venv --ignore=staticfiles --ignore=tests

check: export DEBUG ?= 1
check: lint test
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

up:
	docker compose up --build -d

down:
	docker compose down

clean:
	rm -rf $(VENV) var staticfiles
	find locale -name '*.mo' -delete
