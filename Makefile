# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | md5sum | cut -c1-12)
SAMPLE_COUNTRY ?= Peru
PYTEST_ARGS ?=
# The client generator of tests/test_generated_client.py and what it needs beyond [dev], installed
# without dependency resolution: its typer cap (<0.28) conflicts with the CLI's pin (pyproject.toml).
CLIENT_GENERATOR := openapi-python-client==0.29.1 attrs==26.1.0 ruamel.yaml==0.19.1

.PHONY: install browser run serve test lint test-sqlite test-postgresql openapi benchmark clean

# The packages are installed by uv (pinned; the same package versions as pip installs): 12 s from
# scratch on the 2-core machine against pip's 36 s, a wait at the start of every `make test` on a
# fresh clone. It writes the bytecode as pip does (--compile-bytecode).
UV := uv==0.13.9
UV_INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(UV)
	$(UV_INSTALL) -e '.[dev]'
	$(UV_INSTALL) --no-deps $(CLIENT_GENERATOR)
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# Our modules' bytecode, as pip writes it for an installed wheel: an editable install leaves it to
# the first import, which does not write it where PYTHONDONTWRITEBYTECODE is set, and then every
# process (each `nrtd` command, each server) compiles them again (0.35 s for the application).
install: $(STAMP)
	@$(BIN)/python -m compileall -q -j0 app importers > /dev/null

# The browser tests drive Debian's Chromium headless shell (no browser download by a test tool): the
# browser without its window and user interface, which takes about a third less CPU per test.
CHROMIUM ?= /usr/bin/chromium-headless-shell
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium-headless-shell for the end-to-end tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium-headless-shell; }

## run: install, then a demo instance on 127.0.0.1:8000 (docs at /docs): its own database ./demo.db,
## the bundled synthetic sample loaded only while that database holds no recommendation.
## Another port: `make run PORT=8080` (where another program has 8000).
# The demo's settings override the environment and .env, so `make run` never writes into the database
# NRTD_DATABASE_URL names for real work.
DEMO_DATABASE ?= ./demo.db
PORT ?= 8000
DEMO_ENV := NRTD_DATABASE_URL=sqlite:///$(DEMO_DATABASE) NRTD_DEMO=true NRTD_COUNTRY=$(SAMPLE_COUNTRY) NRTD_IMPORT_SCHEDULE=
run: install
	$(DEMO_ENV) $(BIN)/nrtd migrate
	$(DEMO_ENV) $(BIN)/nrtd demo load --country $(SAMPLE_COUNTRY)
	$(DEMO_ENV) $(BIN)/nrtd serve --host 127.0.0.1 --port $(PORT)

## test: lint and type-check beside the whole suite on SQLite and on PostgreSQL (all three side by side)
test: install
	$(MAKE) --no-print-directory -j3 --output-sync=target lint test-sqlite test-postgresql

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Each database's run in WORKERS processes (pytest-xdist), a test file's tests in one of them (its
# module world is built once): a run's tests wait on servers, subprocesses and the database for a
# good part of their time, and the other processes use the cores meanwhile (docs/benchmarks.md).
# Each worker has a database of its own. WORKERS=0 runs a database's tests in the one pytest process.
WORKERS ?= 2
XDIST = $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --dist loadfile)

# pytest rewrites each test module's assertions when it imports it, and keeps the result as bytecode
# only where bytecode may be written (not under PYTHONDONTWRITEBYTECODE): each worker of both runs
# rewrote every module again, 10 s of a core each (docs/benchmarks.md). Written once, beside lint,
# whenever a test file changed; a worker reads it whatever PYTHONDONTWRITEBYTECODE says.
REWRITTEN := $(VENV)/.tests-rewritten
$(REWRITTEN): $(STAMP) $(shell find tests -name '*.py')
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest --collect-only -q -p no:cacheprovider > /dev/null
	touch $@

test-sqlite: install browser $(REWRITTEN)
	NRTD_TEST_DB=sqlite $(BIN)/pytest -q $(XDIST) $(PYTEST_ARGS)

test-postgresql: install browser $(REWRITTEN)
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432 (.ci/run starts it)"; exit 1; }
	NRTD_TEST_DB=postgresql $(BIN)/pytest -q $(XDIST) $(PYTEST_ARGS)

openapi: install
	$(BIN)/nrtd openapi openapi/openapi.json

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
