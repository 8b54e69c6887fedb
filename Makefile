# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := qa_app

VENDOR := qa_app/static/vendor
VENDOR_FILES := $(VENDOR)/bootstrap.min.css $(VENDOR)/bootstrap.bundle.min.js \
	$(VENDOR)/chart.umd.js $(VENDOR)/htmx.min.js $(VENDOR)/wavesurfer.min.js

.PHONY: run test install install-dev assets migrate lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR_FILES) &: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/
	cp node_modules/chart.js/dist/chart.umd.js node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/wavesurfer.js/dist/wavesurfer.min.js $(VENDOR)/

assets: $(VENDOR_FILES)

# The browser tests' accessibility check injects axe-core into each page from
# here (a dev dependency: the app never serves it).
AXE := node_modules/axe-core/axe.min.js
$(AXE): node_modules/.package-lock.json
	@test -f $@ || npm ci --no-audit --no-fund --loglevel=error

migrate: install
	$(BIN)/flask db upgrade

# The job worker (Huey consumer) runs beside gunicorn and stops with it: the
# trap sends it SIGINT (finish the running job, then exit) whatever ends the run.
run: install assets migrate
	$(BIN)/flask demo seed --if-empty
	@echo "Serving on http://$(HOST):$(PORT) with a background job worker  (Ctrl-C to stop)"
	@$(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# The suite runs on SQLite and, side by side, on PostgreSQL when TEST_DATABASE_URL
# names a reachable server (CI always sets it; see .ci/run).
test: install-dev assets $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python tests/run_suites.py $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check qa_app scorecards calibration flagging metrics autoqa speech tests bench

bench: install-dev
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache test-artifacts
