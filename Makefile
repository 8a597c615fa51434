# One obvious way to run everything. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# The PostgreSQL run leaves out the browser tests (they drive the same pages the SQLite run drives, and each of them
# empties every table of PostgreSQL after itself, which kept CI near its 30 minutes); `PG_MARKERS=` runs them too.
PG_MARKERS ?= not browser

# A trial may use the published trial SECRET_KEY; anything else must set its own (settings.py refuses to start).
run demo test test-sqlite test-postgres lint bench: export ZHAOSHANG_TRIAL = 1

.PHONY: run test test-sqlite test-postgres install assets browser lint format messages bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed assets

assets:
	scripts/build_assets.sh

## run: the product on SQLite with the demo county, at http://127.0.0.1:8000
run: install
	$(BIN)/zhaoshang demo
	$(BIN)/zhaoshang serve

demo: install
	$(BIN)/zhaoshang demo

## test: the whole suite on SQLite and on PostgreSQL, browser tests included
test: install browser lint test-sqlite test-postgres

browser:
	scripts/ensure_browser.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/zhaoshang makemigrations --check --dry-run
	$(BIN)/zhaoshang check

test-sqlite: $(VENV)/.installed
	env -u DATABASE_URL $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed
	@if scripts/pg_ready.sh "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 -m "$(PG_MARKERS)" $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then echo "PostgreSQL at $(PG_URL) is not reachable: CI needs it" >&2; exit 1; \
	else echo "PostgreSQL at $(PG_URL) is not reachable: skipping the PostgreSQL run (set PG_URL)"; fi

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh the translation catalogue and compile it
messages: $(VENV)/.installed
	cd src/zhaoshang && ../../$(BIN)/zhaoshang makemessages -l zh_Hans --no-obsolete --no-location
	cd src/zhaoshang && ../../$(BIN)/zhaoshang compilemessages -l zh_Hans

bench: install
	bench/run.sh

clean:
	rm -rf var src/zhaoshang/static/vendor
