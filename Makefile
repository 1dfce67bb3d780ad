# One command to run Hindsight, one to test it; both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: install run test check lint typecheck contracts pytest corpus bench clean axe system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@echo "Hindsight with the sample incident: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	HINDSIGHT_AUTH=none \
		$(BIN)/hindsight serve --host 127.0.0.1 --port $(PORT) --sample

test: install check pytest

# PostgreSQL, Prometheus + Alertmanager, Chromium and npm: installed by apt when missing.
system-deps:
	bash scripts/system-deps.sh

check: lint typecheck contracts

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

contracts: install
	$(BIN)/lint-imports

# axe-core (accessibility checks in the browser tests), from the npm registry into build/.
AXE := build/npm/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --no-save --no-audit --no-fund --prefix build/npm axe-core

axe: $(AXE)

pytest: install system-deps axe
	$(BIN)/python -m pytest -q

corpus: install
	$(BIN)/python bench/corpus.py ../shared/corpus/postmortems

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
