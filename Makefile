# Alur — the two commands of the quick start are `make demo` and `make test`.
# Everything is installed into .venv from requirements.lock (pinned, with hashes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install demo test lint typecheck migrations-check openapi-check openapi test-sqlite test-postgres \
        browser messages bench bench-attribution fmt clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: install
	$(BIN)/alur demo

test: install lint typecheck migrations-check openapi-check browser test-sqlite test-postgres

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: install
	$(BIN)/ruff format --quiet src tests bench
	$(BIN)/ruff check --fix --quiet src tests bench

typecheck: install
	$(BIN)/mypy

migrations-check: install
	ALUR_DATA_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

openapi-check: install
	$(BIN)/python -m alur.api.openapi --check

openapi: install
	$(BIN)/python -m alur.api.openapi --write

test-sqlite: install
	@echo "== tests on SQLite =="
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@if [ -n "$$ALUR_TEST_POSTGRES_URL" ]; then \
		echo "== tests on PostgreSQL ($$ALUR_TEST_POSTGRES_URL) =="; \
		DATABASE_URL="$$ALUR_TEST_POSTGRES_URL" $(BIN)/pytest $(PYTEST_ARGS); \
	else \
		echo "== ALUR_TEST_POSTGRES_URL is not set: the PostgreSQL run is skipped (CI always sets it) =="; \
	fi

# The browser tests drive Debian's Chromium; install it when we can (root), else they skip loudly.
browser:
	@bash scripts/ensure-chromium

messages: install
	cd src/alur && ../../$(BIN)/python ../../manage.py makemessages --locale id --no-obsolete --no-location --ignore 'static/*'
	cd src/alur && ../../$(BIN)/python ../../manage.py compilemessages --locale id

bench: install
	$(BIN)/python bench/bench_foundation.py
	$(BIN)/python bench/publishing.py

# Attribution against the ChannelAttribution package, which is built from source (C++, about a minute) into a
# venv of its own, .venv-bench: the locked set plus it, never part of requirements.lock or .venv.
# Pass sizes with BENCH_ARGS="--sizes 1000000" (default: 1 and 10 million path rows).
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
BENCH_ARGS ?=

$(BENCH_STAMP): requirements.lock pyproject.toml | install
	@test -x $(BENCH_VENV)/bin/python || $(BIN)/python -m venv $(BENCH_VENV)
	$(BIN)/uv pip install --quiet --python $(BENCH_VENV)/bin/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BENCH_VENV)/bin/python --no-deps -e .
	$(BIN)/uv pip install --quiet --python $(BENCH_VENV)/bin/python "channelattribution==2.2.5" "matplotlib==3.11.2"
	@rm -f $(BENCH_VENV)/.installed-*
	@touch $@

bench-attribution: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/attribution.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .mypy_cache .ruff_cache
