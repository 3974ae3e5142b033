# Development tasks (GNU make). `make test` and `make run` work on a fresh clone: they install first.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Touched after a successful `pip install`: reinstall only when pyproject.toml is newer.
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install test run bench clean clean-data

install: $(INSTALLED)
	@$(PY) -m tenantapi.local.dynamodb_local >/dev/null

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

# pytest exits with 5 when it collects no test: not a failure of the code under test.
test: install
	@$(PY) -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

# PORT, DDB_PORT and AUTHORIZER_TTL_SECONDS reach the server from the environment or `make run PORT=...`.
run: install
	$(PY) -m tenantapi.local.run

# Every script in bench/ except helpers (names starting with _), one after the other.
bench: install
	@scripts='$(wildcard bench/[!_]*.py)'; \
	if [ -z "$$scripts" ]; then echo "no benchmarks in bench/"; exit 0; fi; \
	for script in $$scripts; do echo "== $$script"; $(PY) $$script || exit $$?; done

clean:
	rm -rf $(VENV) .tools .aws-sam

clean-data:
	rm -rf .data
