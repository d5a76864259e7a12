# tallyroom: `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-code test lint bench install clean messages

$(STAMP): pyproject.toml src/tallyroom/formats/_bltscan.c
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The independent counters the cross-check tests compare with (heavy: pref_voting brings numba),
# and cairosvg for the PNG charts of `tallyroom analyse`.
CROSSCHECK := $(VENV)/.crosscheck
$(CROSSCHECK): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,crosscheck,charts]'
	touch $(CROSSCHECK)

install: $(STAMP)

test: $(CROSSCHECK)
	$(PY) -m ruff check src tests bench
	scripts/ensure-chromium
	scripts/ensure-axe
	scripts/ensure-pdf-tools
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench

# The demo: SQLite under var/ (or DATABASE_URL), loaded idempotently, served on 127.0.0.1:8000,
# with the job worker (manage db_worker) in the background, stopped when the server stops.
demo: $(STAMP)
	TALLYROOM_DEBUG=1 $(PY) -m tallyroom.web.manage migrate --noinput -v0
	TALLYROOM_DEBUG=1 $(PY) -m tallyroom.web.manage load_demo
	@TALLYROOM_DEBUG=1 $(PY) -m tallyroom.web.manage db_worker --no-reload --interval 0.5 -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Job worker running (manage db_worker, pid $$worker): it opens voting, issues codes and counts."; \
	TALLYROOM_DEBUG=1 $(PY) -m tallyroom.web.manage runserver --noreload 127.0.0.1:8000

# Refresh the translation catalogues (src/tallyroom/locale) and compile them: docs/languages.md.
messages: $(STAMP)
	PY=$(abspath $(PY)) scripts/messages
# The second-factor code a demo login needs now: make demo-code LOGIN=ro
demo-code: $(STAMP)
	TALLYROOM_DEBUG=1 $(PY) -m tallyroom.web.manage demo_code $(LOGIN)

bench: $(CROSSCHECK)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
