# cxloop: `make run` starts everything locally, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install install-dev bench lint migrate clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install -q uv
	@test -x $(PY) || $(PYTHON) -m uv venv -q --python $(PYTHON) $(VENV)
	$(PYTHON) -m uv pip install -q --python $(PY) -r requirements.lock
	$(PYTHON) -m uv pip install -q --python $(PY) --no-deps -e .
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

bench: install-dev
	$(PY) scripts/with_postgres.py -- $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
