# Development tasks (GNU make). `make test` and `make run` work on a fresh clone: they install first.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Touched after a successful `pip install`: reinstall only when pyproject.toml is newer.
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=
# The SAM CLI lives in a venv of its own: its pinned dependencies would fight the dev tools'.
SAM_VENV := .tools/sam
SAM := $(SAM_VENV)/bin/sam

.PHONY: install test template run bench clean clean-data

install: $(INSTALLED)
	@$(PY) -m tenantapi.local.dynamodb_local >/dev/null

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

$(SAM):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check aws-sam-cli

# The template must lint clean and build as `sam build` builds it for deployment (no Docker:
# every runtime dependency is pure Python, so pip fetches them for arm64 as they are).
template: install $(SAM)
	$(VENV)/bin/cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 $(SAM) build --build-dir .aws-sam/build >/dev/null
	@echo "template: cfn-lint clean, sam build succeeded"

# pytest exits with 5 when it collects no test: not a failure of the code under test.
test: install template
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
