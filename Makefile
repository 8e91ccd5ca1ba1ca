# Every command a developer or CI needs. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Python 3.13 is the Lambda runtime; pyenv provides it on our machines. Fall back to 3.12 / 3.11.
PYTHON ?= $(shell for v in 3.13 3.12 3.11; do \
	p=$$(pyenv prefix $$v 2>/dev/null) && [ -x "$$p/bin/python" ] && { echo "$$p/bin/python"; exit 0; }; \
	command -v python$$v 2>/dev/null && exit 0; done; command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help venv chat test lint typecheck check bench clean
.PHONY: package skill-package sam-build deploy-check build-SkillFunction

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(STAMP) ## Create .venv and install the pinned dependencies

chat: $(STAMP) ## Talk to the skill locally; one-shot: make chat SAY="what is aftercare"
	@$(PY) -m tools.chat $(if $(SAY),--say "$(SAY)")

test: $(STAMP) ## Run the whole test suite
	$(PY) -m pytest

lint: $(STAMP) ## ruff (lint and format check)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP) ## mypy
	$(PY) -m mypy

check: lint typecheck test ## Every gate: lint, types, tests

bench: $(STAMP) ## Measure against a minimal SDK skill (BENCHMARKS.md); ARGS=--quick
	$(PY) -m benchmarks.run $(ARGS)

clean: ## Remove the virtual environments, caches and build output
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
	rm -rf $(SAM_VENV) .aws-sam build dist

# Deploying. aws-sam-cli pins its own boto3, so it lives in a virtual environment of its own.
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed

$(SAM_STAMP): requirements-sam.txt
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	@touch $@

package: ## Build the Lambda artifact as a zip, dist/lambda.zip (what sam build builds)
	$(PYTHON) -m tools.package zip dist/lambda.zip

skill-package: ## Refresh skill-package/; ENDPOINT=<SkillFunctionArn> PRIVACY_URL=<https://...>
	$(PYTHON) -m tools.skill_package $(if $(ENDPOINT),--endpoint "$(ENDPOINT)") $(if $(PRIVACY_URL),--privacy-url "$(PRIVACY_URL)")

sam-build: $(SAM_STAMP) ## sam build, offline and without Docker, then check what it built
	SAM_CLI_TELEMETRY=0 $(SAM) build --build-in-source
	$(PYTHON) -m tools.package check .aws-sam/build/SkillFunction

deploy-check: $(STAMP) ## template.yaml: expanded by SAM, cfn-lint, least-privilege IAM
	$(PY) -m tools.check_template

# sam build runs this (template.yaml: BuildMethod makefile) with ARTIFACTS_DIR set.
build-SkillFunction:
	$(PYTHON) -m tools.package dir "$(ARTIFACTS_DIR)"
