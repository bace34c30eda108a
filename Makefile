# The two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ledger_keygen --if-missing
	$(PY) manage.py seed_demo --if-empty
	LEDGER_ANCHOR_INTERVAL=$${LEDGER_ANCHOR_INTERVAL:-5} $(PY) tools/run_dev.py

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv
	$(PY) tools/compile_messages.py

clean:
	rm -rf $(VENV) var staticfiles
bench:: ; DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_ledger} VAR_DIR=$${VAR_DIR:-/tmp/var-bench} $(PY) bench/ledger.py $(BENCH_ARGS)
