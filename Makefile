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

.PHONY: help venv chat test lint typecheck check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

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

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
