# The two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install lint migrate demo worker clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Local site with the mail worker beside it (Procfile.dev, run by honcho); Ctrl-C stops both.
run: export DEBUG ?= true
run: demo
	$(PY) manage.py ensure_organiser
	@echo "Serving http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/) with the mail worker."
	$(VENV)/bin/honcho --procfile Procfile.dev start

worker: install
	$(PY) manage.py db_worker

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
