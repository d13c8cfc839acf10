# Two commands do everything on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
STAMP := $(VENV)/.installed
# The secret key of every local run (make run, make serve, the manage.py commands), made
# once into the git-ignored .secret_key and passed explicitly: with DEBUG off, settings
# refuse to start without DJANGO_SECRET_KEY. A key already in the environment wins.
ifeq ($(DJANGO_SECRET_KEY),)
export DJANGO_SECRET_KEY := $(shell test -s .secret_key || (umask 077 && $(PYTHON) -c \
	'import secrets; print(secrets.token_urlsafe(50))' > .secret_key); cat .secret_key)
endif

.PHONY: run serve test lint install migrate superuser browser train evaluate bench loadtest rehearsal clean

# Re-install only when a requirements file changed since the last install: requirements-dev.txt
# includes requirements-train.txt (training), which includes requirements.txt (serving).
$(STAMP): requirements.txt requirements-train.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# The development server, and beside it one worker for the background tasks (training runs
# started from the admin); both stop together.
run: migrate
	@echo "Serving on http://$(HOST):$(PORT)/  (first account: make superuser, or sign up on the site)"
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}; \
	$(PY) manage.py db_worker --queue-name '*' & worker=$$!; trap "kill $$worker" EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

superuser: migrate
	$(PY) manage.py createsuperuser

# Production-like: gunicorn workers, static files from whitenoise, DEBUG off, and one task
# worker (`manage.py db_worker`: training runs). On several machines, run the workers where
# there is CPU to spare: they share the queue in the database.
serve: migrate
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/ with $(WORKERS) gunicorn workers and one task worker"
	@echo "(in production, always behind nginx, which buffers slow clients: deploy/nginx.conf, make rehearsal)"
	@export DJANGO_DEBUG=0; \
	$(PY) manage.py db_worker --queue-name '*' & worker=$$!; trap "kill $$worker" EXIT; \
	$(VENV)/bin/gunicorn config.wsgi --config config/gunicorn.py --bind $(HOST):$(PORT) --workers $(WORKERS)

# Debian's Chromium for the browser tests, where this machine allows installing it.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
		|| echo "Could not install chromium: the browser tests will be skipped."; \
	else echo "No /usr/bin/chromium and no root to install it: the browser tests will be skipped."; fi

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Lint (ruff) and type checks (mypy with the Django and DRF plugins), as pyproject.toml configures
# them. mypy's Django plugin imports the settings, which need DEBUG on (or a secret key).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy

# MNIST plus the other writers and the non-digits in ../shared/datasets; TRAIN_ARGS=--quick for a short run.
train: install
	$(PY) manage.py train_model --data ../shared/datasets/mnist $(TRAIN_ARGS)

evaluate: install
	$(PY) manage.py evaluate_model --data ../shared/datasets/mnist

bench: install
	$(PY) -m benchmarks.bench --data ../shared/datasets/mnist

# The API under load, against `make serve` running in another shell: make loadtest TOKEN=<key>
CONCURRENCY ?= 8
loadtest: install
	@test -n "$(TOKEN)" || { echo "Give an API token: make loadtest TOKEN=<key> (the account page shows yours)"; exit 2; }
	$(PY) -m scripts.loadtest --url http://$(HOST):$(PORT) --token $(TOKEN) --concurrency $(CONCURRENCY) --seconds 30

# The production shape on this machine: PostgreSQL, Redis, two gunicorn app servers behind
# Debian's nginx, under load and slowloris, one server killed and restarted; a JSON summary.
REHEARSAL_SECONDS ?= 30
rehearsal: install
	$(PY) -m scripts.rehearsal --seconds $(REHEARSAL_SECONDS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
