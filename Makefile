# Two commands for a fresh machine with Python 3.10+:  `make lab`  and  `make test`.
# Both use the same virtual environment, .venv, with the versions pinned in requirements/lock.txt.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888

.PHONY: lab test lint format unit notebooks browser execute html models lock clean help

help:
	@echo "make lab        create .venv if needed, install, open JupyterLab on the course"
	@echo "make test       lint + unit tests + every notebook through nbval + browser tests"
	@echo "make execute    re-run every notebook, keep only the checked cells' text outputs"
	@echo "make browser    only the real-browser tests (JupyterLab + Chromium), screenshots in test-artifacts/"
	@echo "make html       run every notebook and export it, live widgets included, to site/ (no kernel, works from file://)"
	@echo "make format     apply ruff's formatting and safe fixes"
	@echo "make models     train the shipped models again (data/models/, minutes; JOBS=2 uses 2 cores)"
	@echo "make lock       re-pin requirements/lock.txt (needs network access to PyPI)"

$(STAMP): pyproject.toml requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed, found " + sys.version.split()[0] + ": set PYTHON=/path/to/python3.x")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.1"
	$(BIN)/python -m pip install --quiet -c requirements/lock.txt -e ".[test]"
	touch $(STAMP)

# --allow-root only when run as root (e.g. inside a container); JupyterLab refuses root otherwise.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_start_here.ipynb

test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check convhelpers tests benchmarks notebooks data tools
	$(BIN)/ruff format --check convhelpers tests benchmarks notebooks data tools

format: $(STAMP)
	$(BIN)/ruff check --fix convhelpers tests benchmarks notebooks data tools
	$(BIN)/ruff format convhelpers tests benchmarks notebooks data tools

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

html: $(STAMP)
	$(BIN)/python tools/export_html.py --out site

# The trained weights notebooks 06 and 07 load (see data/README.md). Takes minutes.
JOBS ?= 1
models: $(STAMP)
	$(BIN)/python tools/train_models.py --jobs $(JOBS)

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra test --universal --python-version 3.10 -o requirements/lock.txt

clean:
	rm -rf $(VENV) build *.egg-info
