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
# The playground's browser assets (npm packages pinned in playground/package-lock.json), built by
# the same recipe as the Lambda layer that carries them (template.yaml, PlaygroundLayer).
PLAYGROUND := .tools/playground/.built
PLAYGROUND_SOURCES := $(wildcard playground/package.json playground/package-lock.json playground/Makefile playground/src/*)
# Debian's Chromium and its driver, for the browser test (tests/e2e/test_playground.py).
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: install test template run bench browser clean clean-data

install: $(INSTALLED) $(PLAYGROUND)
	@$(PY) -m tenantapi_tools.local.dynamodb_local >/dev/null

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

# As `sam build` does it: the recipe runs in a scratch copy, so playground/ gets no node_modules.
$(PLAYGROUND): $(PLAYGROUND_SOURCES)
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	rm -rf .tools/playground-build && mkdir -p .tools/playground-build
	cp -R playground/package.json playground/package-lock.json playground/Makefile playground/src .tools/playground-build/
	$(MAKE) --no-print-directory -C .tools/playground-build build-PlaygroundLayer ARTIFACTS_DIR=$(abspath .tools)
	@touch $@

# Installed with apt-get when missing (the machine's root, non-interactive, time-bounded).
browser:
	@if [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "browser: $(CHROMIUM) or $(CHROMEDRIVER) is missing; install Chromium and its chromedriver"; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "browser: $(CHROMIUM) or $(CHROMEDRIVER) is missing; run as root: apt-get install chromium chromium-driver"; exit 1; fi; \
	echo "browser: apt-get install chromium chromium-driver"; mkdir -p .tools; \
	export DEBIAN_FRONTEND=noninteractive; apt="timeout 900 apt-get -qq -o DPkg::Lock::Timeout=120"; \
	{ $$apt install -y --no-install-recommends chromium chromium-driver \
	  || { $$apt update && $$apt install -y --no-install-recommends chromium chromium-driver; }; \
	} >.tools/apt-chromium.log 2>&1 \
	|| { tail -n 20 .tools/apt-chromium.log; echo "browser: apt-get could not install chromium and chromium-driver (log: .tools/apt-chromium.log)"; exit 1; }

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
test: install template browser
	@$(PY) -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

# PORT and DDB_PORT (the local stack's own) and PARAMETER_OVERRIDES (template.yaml's parameters, as
# `sam deploy --parameter-overrides` takes them) reach the server from the environment or
# `make run PORT=... PARAMETER_OVERRIDES="AuthorizerTtlSeconds=0 RateLimitPerMinute=500"`.
run: install
	$(PY) -m tenantapi_tools.local.run

# Every script in bench/ except helpers (names starting with _), one after the other.
bench: install
	@scripts='$(wildcard bench/[!_]*.py)'; \
	if [ -z "$$scripts" ]; then echo "no benchmarks in bench/"; exit 0; fi; \
	for script in $$scripts; do echo "== $$script"; $(PY) $$script || exit $$?; done

clean:
	rm -rf $(VENV) .tools .aws-sam

clean-data:
	rm -rf .data
