# cxloop: `make run` starts everything locally, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never

BENCH_VENV := .bench-venv

.PHONY: run test test-reliability install install-dev bench bench-env lint migrate clean console-messages

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install -q uv
	@test -x $(PY) || $(PYTHON) -m uv venv -q --python $(PYTHON) $(VENV)
	$(PYTHON) -m uv pip install -q --python $(PY) -r requirements.lock
	$(PYTHON) -m uv pip install -q --python $(PY) --no-deps -e .
	$(PY) -m services.console.pages.chart_assets
	@touch $@

install: $(VENV)/.installed

install-dev: install
	@$(PY) scripts/system_deps.py

run: install
	$(PY) scripts/run_local.py $(ARGS)

migrate: install
	$(PY) -m services.common.migrate upgrade

test: install-dev
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/lint-imports

test-reliability: install-dev
	CX_RELIABILITY_SCALE=full $(PY) scripts/with_postgres.py -- $(PY) -m pytest -m reliability tests/reliability $(PYTEST_ARGS)

# lifetimes 0.11 (the CLV baseline) needs pandas < 3 and setuptools < 82: its own environment.
$(BENCH_VENV)/.installed: bench/requirements-lifetimes.lock
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m uv venv -q --python $(PYTHON) $(BENCH_VENV)
	$(PYTHON) -m uv pip install -q --python $(BENCH_VENV)/bin/python -r bench/requirements-lifetimes.lock
	@touch $@

bench-env: $(BENCH_VENV)/.installed

bench: install-dev bench-env
	CX_LIFETIMES_PYTHON=$(BENCH_VENV)/bin/python $(PY) scripts/with_postgres.py -- $(PY) bench/run_all.py $(BENCH)

# After changing console texts: extract them and update the Korean catalogue (then translate new entries).
console-messages: install
	$(VENV)/bin/pybabel extract -F services/console/babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -o var/console-messages.pot services/console
	$(VENV)/bin/pybabel update -i var/console-messages.pot -d services/console/translations -l ko --ignore-obsolete -w 100

clean:
	rm -rf $(VENV) $(BENCH_VENV) var .pytest_cache
