# The two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run serve test install lint typecheck messages makemessages migrate demo worker clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Installing also gives the checkout one SECRET_KEY for every local process (web, worker, any
# manage.py command), kept across runs: written once into the git-ignored .env (or the file
# ENV_FILE names), never replaced. Without it each process would make up its own key and refuse
# the links the others sign, and with DEBUG off no command would start at all.
install: $(VENV)/.installed
	$(PY) -m eventsite.local_env

# The translations: locale/*/LC_MESSAGES/django.po compiled into .mo files (build output,
# git-ignored); the site, the worker and the tests read those.
messages: install
	@command -v msgfmt >/dev/null || { echo "Installing Debian's gettext (msgfmt)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore=.venv

# After marking new strings: collect them into the .po files (then translate them there).
makemessages: install
	$(PY) manage.py makemessages -l fi -l de -l fr --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=tests --ignore=staticfiles \
		--ignore=deploy --ignore=bench --ignore=build

migrate: messages
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Local site with the mail worker beside it (Procfile.dev, run by honcho); Ctrl-C stops both.
run: export DEBUG ?= true
run: demo
	$(PY) manage.py ensure_organiser
	@echo "Serving http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/) with the mail worker."
	$(VENV)/bin/honcho --procfile Procfile.dev start

# The production topology on this machine (deploy/serve; README "Production topology"):
# nginx, two gunicorns, two mail workers, PgBouncer, with DEBUG off. Ctrl-C stops it all.
serve: install
	$(PY) deploy/serve

worker: install
	$(PY) manage.py run_worker

# axe-core for the accessibility browser tests (package.json, package-lock.json); reinstalled when
# the lock file changes.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# PYTEST_FLAGS: e.g. "-n 2" to spread the suite over two processes (pytest-xdist), as CI does.
test: messages node_modules/.installed
	$(PY) -m pytest $(PYTEST_FLAGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with the django-stubs plugin; what it checks and how strictly is set in pyproject.toml.
typecheck: install
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .serve
