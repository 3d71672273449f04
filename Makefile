# Two commands for a newcomer: `make run` and `make test`. Each installs what is missing.
.DEFAULT_GOAL := help
.PHONY: help install run demo test lint format compose-check bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: ## install uv and the locked Python environment (.venv)
	@scripts/bootstrap

run: install ## start Kafka and the four services on SQLite; prints the gateway URL (DEMO=1 seeds demo data)
	@.venv/bin/python scripts/run_local.py $(if $(DEMO),--demo)

demo: ## same as `make run DEMO=1`
	@$(MAKE) --no-print-directory run DEMO=1

test: install ## start Kafka + PostgreSQL if needed, lint, then unit, integration and end-to-end tests
	@scripts/test

lint: install ## ruff (lint + format check) and mypy, as CI runs them
	@scripts/lint

format: install ## apply ruff's formatting and safe fixes
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

compose-check: ## validate docker-compose.yml with the compose-spec loader (no Docker engine needed)
	@scripts/check-compose

bench: install ## run the benchmarks beside same-run baselines (ONLY=<key> for one) -> bench/RESULTS.md
	@scripts/bench $(if $(ONLY),--only $(ONLY))
