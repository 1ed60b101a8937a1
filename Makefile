# The project's tasks. `make help` lists them.
.DEFAULT_GOAL := help
UV ?= uv
PYTEST := $(UV) run pytest

.PHONY: help install run demo fmt lint typecheck lint-imports docs docs-check test test-unit test-integration test-e2e test-browser bench compose-smoke compose-smoke-cluster check

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

install: ## Install the locked dependencies into .venv (installs uv first if missing)
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

run: install ## Run the whole system with the demo school (ARGS="--reset", "--no-demo", "--verbose")
	$(UV) run python -m deploy.launcher $(ARGS)

demo: run ## Same as run

fmt: ## Format the code
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

lint: ## Formatting and lint checks, and dependencies declared exactly as used (deptry)
	$(UV) run ruff format --check .
	$(UV) run ruff check .
	$(UV) run deptry .

typecheck: ## mypy --strict
	$(UV) run mypy

lint-imports: ## Dependency rules between packages and layers
	$(UV) run lint-imports

docs: ## Regenerate the checked-in contract documents
	$(UV) run python -m deploy.gen_docs

docs-check: ## Fail when the generated documents are stale
	$(UV) run python -m deploy.gen_docs --check

test-unit: ## Pure and service-layer tests
	$(PYTEST) tests/unit

test-integration: ## Against real nats-server and PostgreSQL
	$(PYTEST) -m integration tests/integration

test-e2e: ## The whole system over HTTP
	$(PYTEST) -m e2e tests/e2e

test-browser: ## Browser tests (Debian chromium)
	$(PYTEST) -m browser tests/browser

test: install ## The whole test suite (what CI runs): unit, integration, end-to-end and browser
	$(PYTEST) tests

bench: install ## Benchmarks, one JSON line each
	$(UV) run python -m bench.write_path
	$(UV) run python -m bench.middleware_overhead
	$(UV) run python -m bench.projection_rebuild
	$(UV) run python -m bench.projection_lag
	$(UV) run python -m bench.export --runs 3
	$(UV) run python -m bench.name_guard
	$(UV) run python -m bench.web_pages
	$(UV) run python -m bench.archive
	$(UV) run python -m bench.portal_pages
	$(UV) run python -m bench.nats_sync
	$(UV) run python -m bench.nats_replicas
	$(UV) run python -m bench.city

compose-smoke: ## docker-compose.yml end to end with podman (builds images on first use)
	deploy/compose-smoke

compose-smoke-cluster: ## the same on the compose file's three-node NATS cluster, one node killed
	SMOKE_CLUSTER=1 deploy/compose-smoke

check: lint typecheck lint-imports docs-check test ## Everything CI checks
