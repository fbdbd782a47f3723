# Newsroom — the two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python of 3.13, else 3.12 (Django 6 needs 3.12+): on PATH, or under pyenv.
PYTHON ?= $(shell for v in 3.13 3.12; do \
	  c=$$(command -v python$$v 2>/dev/null) && { echo $$c; exit 0; }; \
	  for d in $$HOME/.pyenv/versions/$$v*/bin/python$$v /usr/local/bin/python$$v /usr/bin/python$$v; do \
	    [ -x "$$d" ] && { echo $$d; exit 0; }; done; done)

.PHONY: run test serve serve-edge worker beat lint bench bench-ingest bench-api bench-images bench-form eval loadtest loadtest-edge loadtest-breaking loadtest-freshness clean

$(VENV)/.python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Newsroom needs Python 3.12 or 3.13 (Django 6). Install one, e.g. 'pyenv install 3.13' or 'apt-get install python3.13', then re-run." >&2; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.runtime: $(VENV)/.python requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Install, migrate, load the demo story, and serve on the embedded default.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --admin
	@echo
	@echo "  Newsroom is at    http://$(HOST):$(PORT)/"
	@echo "  The admin is at   http://$(HOST):$(PORT)/admin/   (user: admin, password: newsroom-demo)"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Install the test tools and run the whole suite.
test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Lint, formatting and which way the apps depend (the import contracts in pyproject.toml).
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# The real stack's processes (need DATABASE_URL, REDIS_URL, SECRET_KEY).
serve: $(VENV)/.runtime
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi

# gunicorn with Varnish (xkey) in front on EDGE_BIND (127.0.0.1:6081), purged by surrogate key on every public change
# (needs Debian's varnish and varnish-modules; docs/edge.md).
serve-edge: $(VENV)/.runtime
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) deploy/edge.py

# LANES=publish,ingest … (newsroom/celery.py) for workers of some lanes only; every lane by default.
worker: $(VENV)/.runtime
	$(VENV)/bin/celery -A newsroom worker -l info $(if $(LANES),-Q $$($(PY) -c "import sys; q='$${CELERY_QUEUE:-celery}'; print(','.join(q if l == 'publish' else q + '.' + l for l in sys.argv[1].split(',')))" $(LANES)))

beat: $(VENV)/.runtime
	$(VENV)/bin/celery -A newsroom beat -l info

# The public story page under gunicorn on PostgreSQL: cached, uncached and the floor
# (needs wrk and a reachable PostgreSQL; Redis if reachable; prints figures, asserts no timing).
bench: $(VENV)/.dev
	$(PY) bench/bench_site.py

# API throughput on PostgreSQL under gunicorn (needs wrk and a reachable PostgreSQL; prints figures).
bench-api: $(VENV)/.dev
	$(PY) bench/bench_api.py

# The story form's server time with many sections and citations (SQLite, the test client).
bench-form: $(VENV)/.dev
	$(PY) bench/bench_story_form.py

# Image ingest and renditions: time, renditions/s and peak memory at 24 and 50 MP, Pillow (and pyvips if installed).
bench-images: $(VENV)/.dev
	$(PY) bench/bench_images.py

# Topic matching (precision and recall, per topic kind) and event clustering (B-cubed precision, recall, F1) on
# the labelled sets in tests/data/eval/ (prints figures; the tests assert the targets on the same sets).
eval: $(VENV)/.dev
	$(PY) bench/eval_matching.py
	$(PY) bench/eval_clustering.py

# Ingestion throughput and memory on PostgreSQL (prints figures; BENCH_DATABASE_URL picks the database).
bench-ingest: $(VENV)/.dev
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://newsroom@127.0.0.1:5432/newsroom_bench_ingest} $(PY) bench/bench_ingest.py

# 60 s of mixed traffic at 32 connections while an editor publishes and a worker ingests
# (needs wrk, PostgreSQL and Redis; prints figures; exits 1 on any error or stale page).
loadtest: $(VENV)/.dev
	$(PY) bench/loadtest.py

# The same through Varnish in front of gunicorn, purged by surrogate key, with a backend restart halfway
# (also needs varnish and varnish-modules; docs/edge.md).
loadtest-edge: $(VENV)/.dev
	LOADTEST_EDGE=1 $(PY) bench/loadtest.py

# Breaking news through the edge and two web hosts: readers x20 in three steps, a publish every 10 s,
# ingestion on; exits 1 on an error, a stale read or a step's p99 over LOADTEST_P99_MS (250).
loadtest-breaking: $(VENV)/.dev
	LOADTEST_BREAKING=1 $(PY) bench/loadtest.py

# Publish -> fresh page at the edge while 1,000 feeds are ingested, with one worker for every lane and then a
# worker per lane (Varnish, PostgreSQL, Redis; no wrk); prints p50/p95/max per kind of publish and the fetches
# queued and done; exits 1 on a stale read after the fresh one, an error or a publish never fresh, not on a time.
loadtest-freshness: $(VENV)/.dev
	LOADTEST_FRESHNESS=1 $(PY) bench/loadtest.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
