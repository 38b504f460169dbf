# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests never need a real secret; production refuses to start without one.
TEST_ENV := SECRET_KEY=test-only-not-secret
# What `check --deploy` judges: production values, with a key that exists only for the check.
DEPLOY_ENV := DEBUG=off HTTPS=on ALLOWED_HOSTS=news.example.org \
	SECRET_KEY=deploy-check-only-7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e6b4d2f0a9c7e5b3d

.PHONY: run test test-sqlite test-postgres lint install install-dev demo bench-tools vendor

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Browser-test tools from the npm registry, pinned by package-lock.json: axe-core and the
# Nu HTML Checker (run with Java). --ignore-scripts: vnu-jar's postinstall would download a Java.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# The body editor's toolbar, from the npm registry (pinned in package.json), is committed under
# static/vendor/: a deploy runs collectstatic, never npm. After changing its version, run this;
# tests/articles/test_editor.py fails while the copy and the pinned package differ.
vendor: node_modules/.installed
	cp node_modules/@github/markdown-toolbar-element/dist/index.js \
		node_modules/@github/markdown-toolbar-element/LICENSE static/vendor/markdown-toolbar-element/

# The development settings, made once and kept out of git: every `manage.py` command run from
# this folder finds them (newsroom/settings.py reads .env), in any terminal.
.env:
	@printf 'DEBUG=on\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote the development settings to .env"

demo: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_comments

# The web server and the task worker together; Ctrl-C stops both. The worker runs in its own
# process group (setsid) so that its autoreloader's child stops with it.
# queue_renditions first: a job that died with the last worker is queued again.
run: demo
	$(PY) manage.py queue_renditions
	@setsid $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill -s TERM -- -'$$worker' 2>/dev/null; wait' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev node_modules/.installed
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# The benchmark's load generator (bench/run.py --http) comes from Debian.
bench-tools: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
