# Targets document themselves: `make help`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
BENCH := $(VENV)/.installed-bench
TURTLE := ontology/*.ttl shapes/*.ttl data/*.ttl data/enrichments/*.ttl src/learningcity/rendering/*.ttl
PORT ?= 8000

.PHONY: help run test lint check-format bench bench-quick clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e .
	touch $@

$(DEV): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(RUNTIME)

run: $(RUNTIME) ## Set up, validate data/yongsan.ttl, write every export to dist/, then serve it.
	$(BIN)/learningcity validate data/yongsan.ttl
	$(BIN)/learningcity export data/yongsan.ttl --all dist/
	@echo "exports written to dist/; serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(BIN)/learningcity serve data/yongsan.ttl --host 127.0.0.1 --port $(PORT)

test: $(DEV) lint check-format ## Set up, install the Debian test packages if it can, run the linters and the suite.
	scripts/install-test-packages.sh --if-possible
	$(BIN)/pytest -n 2

lint: $(DEV) ## ruff lint and mypy (configured in pyproject.toml).
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

check-format: $(DEV) ## Python and Turtle formatting checks (no files changed).
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/learningcity fmt --check $(TURTLE)

$(BENCH): $(DEV)
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $@

bench: $(BENCH) ## Every benchmark beside its peers (long; needs Debian's wrk); rewrites docs/performance.md.
	$(BIN)/python benchmarks/bench_cli.py --write
	$(BIN)/python benchmarks/bench_publish.py --write
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_server.py --json benchmarks/.work/server.json --plot docs/performance-server.png
	$(BIN)/python benchmarks/bench_http.py --write
	$(BIN)/python benchmarks/bench_startup.py --write
	$(BIN)/python benchmarks/bench_validation.py --write
	$(BIN)/python benchmarks/bench_import.py --write

bench-quick: $(BENCH) ## The command-line and scale benchmarks at 10 to 1,000 cities, in about two minutes.
	$(BIN)/python benchmarks/bench_cli.py --runs 5
	$(BIN)/python benchmarks/bench_scale.py --quick --no-write

clean: ## Remove the virtual environment and build outputs.
	rm -rf $(VENV) dist build site .pytest_cache .ruff_cache
