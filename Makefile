# The developer's front door. `make run` and `make test` work on a fresh clone.
VENV ?= .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=True
HOST ?= 127.0.0.1:8000

.PHONY: install messages run test lint format worker check-deploy clean

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[dev]'
	@touch $@

# Translations: each locale/<lang>/LC_MESSAGES/django.po compiles to its .mo.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)

# After changing a user-facing string: update the catalogs (needs GNU gettext),
# then translate the new entries in locale/*/LC_MESSAGES/django.po. The two
# ignored templates are copies of Django admin's: their words are Django's,
# translated by Django's own catalogs.
messages: install
	$(DEV) $(PY) manage.py makemessages --no-obsolete --no-location \
		--ignore='tests/*' --ignore='bench/*' \
		--ignore='templates/admin/tickets/ticket/queue_results.html' \
		--ignore='templates/admin/tickets/ticket/filter.html' \
		--locale=de --locale=fr --locale=es

run: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver $(HOST)

test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(DEV) $(PY) manage.py db_worker

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# The benchmark behind docs/BENCHMARKS.md (PostgreSQL, gunicorn, wrk; about half
# an hour). A smoke run: make bench BENCH_ARGS=--quick
.PHONY: bench
bench: install
	$(PY) -m bench $(BENCH_ARGS)
