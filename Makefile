# Two commands on a fresh machine with Python 3.11:  make run   /   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format migrate demo clean shell messages

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The demo: a simulated portfolio's last 20 days through the real engine (README: Simulator),
# first, so its nightly runs for past dates never see the hand-made cases; the hand-made demo;
# then today's nightly run (one per date: a later start finds it done), so the dispatcher has
# today's messages to send while you watch. Beat runs the next one at ESCALATION_HOUR.
demo: migrate
	$(BIN)/python manage.py simulate --borrowers 60 --days 20 --seed 7 --until-today --if-empty \
		--quiet --out var/simulation
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py run_escalation --quiet
	@$(BIN)/python manage.py ensure_demo_admin

# Web (gunicorn) + Celery worker + beat on embedded defaults: SQLite in var/, filesystem broker.
run: demo
	@$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Messages: var/outbox/*.jsonl (SMS, calls) and var/mail/ (email), sent by the worker"
	@echo "every minute inside each borrower's contact hours. Stop with Ctrl-C."
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# A shell with the virtualenv activated: `python` in README's examples is $(BIN)/python.
shell: install
	@echo "Virtualenv $(VENV) activated: python is $(BIN)/python. Leave with exit."
	@VIRTUAL_ENV="$(CURDIR)/$(VENV)" PATH="$(CURDIR)/$(BIN):$$PATH" $${SHELL:-/bin/sh}

# The whole suite. With DATABASE_URL / CELERY_BROKER_URL set it runs on PostgreSQL and Redis.
test: install
	$(BIN)/python -m pytest

# The zh_Hans catalogue: extract what the code marks, merge into the .po, compile the .mo (both
# committed). Pure Python (Babel): no GNU gettext needed. Then translate the new empty entries
# (docs/i18n-glossary.md); `make test` fails while any is empty.
messages: install
	$(BIN)/python -m collections_app.devtools.catalog update
	@$(BIN)/python -m collections_app.devtools.catalog check || true

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Drops the demo's data (databases, broker queues, outbox, mail, static files). Keeps what
# belongs to the checkout: var/secret_key, and var/demo_password_admin so the next make run
# gives the admin the same password; var/simulation/ is rewritten by the next make run.
# To reset everything: rm -rf var
clean:
	rm -rf var/*.sqlite3* var/broker var/broker-test var/outbox var/mail var/static
