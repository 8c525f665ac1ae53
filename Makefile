# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app wsgi
# pytest-xdist workers for `make test`: one per core (auto), TEST_WORKERS=0 for one process, or a number.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

.PHONY: run test install install-dev system-deps translations db demo serve lint bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## System packages the tests need (Chromium, PostgreSQL 15, poppler, CJK fonts); installs as root, reports otherwise.
system-deps:
	bash scripts/system-deps.sh

translations: install
	$(PY) -m competitions.i18n_catalog build

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo-data

## Create the venv, install, migrate the SQLite database in instance/, load demo data, start the one scheduler
## process (certificate batches, deadlines, statistics) and serve on :5000.
run: translations demo
	$(FLASK) jobs run & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## Install what the tests need and run the whole suite on every core: SQLite, then the web tests again on PostgreSQL.
test: install-dev system-deps translations
	$(PY) -m ruff check competitions tests bench
	$(PYTEST)
	$(PYTEST) --db postgres tests/web

lint: install-dev
	$(PY) -m ruff check competitions tests bench

bench: install-dev translations
	$(PY) -m bench list

clean:
	rm -rf $(VENV) tests/artifacts translations/zh/LC_MESSAGES
