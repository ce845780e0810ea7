# Developer entry points: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again only when a requirements file is newer.
STAMP := $(VENV)/.requirements-installed
PORT := $(or $(PORT),8000)
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev

.PHONY: install run test lint bench soak cluster lighthouse

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) PORT=$(PORT) $(BIN)/python manage.py ensure_demo_admin
	$(DEV) PORT=$(PORT) $(BIN)/python manage.py ensure_demo_staff
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff, then the import contracts in pyproject.toml (layers of the apps, an engine without models or views).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

# Throughput of the main pages against a hello-world ceiling, and the engine alone (prints figures;
# not part of `make test`). BENCH_DATABASE_URL chooses the database (default: SQLite in a temp dir).
bench: install
	bash bench/run.sh

# The counter's desk at 10,000 applications and 50,000 plans: queries and median time per page (prints figures).
bench-desk: install
	$(BIN)/python bench/desk_bench.py

# SOAK_SECONDS (default 600) at 64 users on a fresh PostgreSQL database `soak`, PostgreSQL restarted half-way.
soak: install
	@test -x $(BIN)/locust || $(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements-bench.txt
	bash bench/soak.sh

# Two app instances (gunicorn) behind nginx on PostgreSQL (database `cluster`, created afresh) and Redis;
# prints the address and runs until Ctrl-C. CLUSTER_PORT (default 8780) chooses nginx's port.
cluster: install
	$(BIN)/python deploy/cluster.py

lighthouse: install
	scripts/lighthouse.sh
