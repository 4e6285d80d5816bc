# The two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint migrate demo worker bench clean

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

# Local site with the mail worker beside it; Ctrl-C stops both.
run: export DEBUG ?= true
run: demo
	$(PY) manage.py ensure_organiser
	@echo "Serving http://$(HOST)/ (admin: http://$(HOST)/admin/); the mail worker runs beside it."
	trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --reload & \
	$(PY) manage.py runserver $(HOST)

worker: install
	$(PY) manage.py db_worker

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
