# Two commands do all set-up: `make run` and `make test`. Only python3 is needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app coach
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint install screenshots clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) db upgrade
	COACH_PUBLIC_URL=$${COACH_PUBLIC_URL:-http://$(HOST):$(PORT)} $(FLASK) demo load
	# The same public address for the server: links use it and its host is trusted.
	# gthread, as in the Procfile: a live session's event streams hold threads, not workers.
	COACH_PUBLIC_URL=$${COACH_PUBLIC_URL:-http://$(HOST):$(PORT)} \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --worker-class gthread --workers 2 --threads $${WEB_THREADS:-320} --access-logfile - 'coach:create_app()'

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Every screen at 390 x 844 into docs/screenshots/ (the demo, in Chromium through Playwright).
screenshots: $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

clean-venv:
	rm -rf $(VENV)
