# Quick start: `make demo` and `make test`. Both bootstrap .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck serve bench bench-profile soak clean console-screenshots

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/quntag demo

lint: $(DEVSTAMP)
	$(BIN)/ruff check bot handlers storage tests bench
	$(BIN)/mypy --strict bot handlers storage
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/pytest -q

serve: $(STAMP)
	$(BIN)/quntag serve

# Benchmarks (not part of test or CI): table on stdout, details in bench/results.json. See bench/README.md.
bench: $(DEVSTAMP)
	$(BIN)/python bench/run.py

# The intake path under load, sampled by py-spy (summary printed, raw stacks in bench/profile.txt).
bench-profile: $(DEVSTAMP)
	BENCH_ONLY=none BENCH_PROFILE=1 $(BIN)/python bench/run.py

# Every console page at desktop and phone width, as the browser tests see them (needs Chromium).
console-screenshots: $(DEVSTAMP)
	QUNTAG_SCREENSHOTS=build/screenshots $(BIN)/pytest -q -m browser tests/faces/console
	@echo "screenshots in build/screenshots"

clean:
	rm -rf $(VENV) build dist *.egg-info

soak: $(DEVSTAMP)
	$(BIN)/python bench/soak.py
