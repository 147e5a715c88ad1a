# Nodeplay: `make run` opens the app, `make test` runs the whole suite.
# Both set up first: system packages (apt, when missing), .venv, torch, then Nodeplay itself.
#
#   make setup [TORCH_VERSION=2.13.0] [TORCH_INDEX_URL=<wheel index, e.g. a CUDA build's>]
#   make run [ARGS="open my.json"]
#   make test [PYTEST_ARGS="-k session -x"]
#   make bench | make lint | make clean

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
TORCH_VERSION ?= 2.13.0
TORCH_INDEX_URL ?=
ARGS ?=
PYTEST_ARGS ?=

VPY := $(VENV)/bin/python
PIP := $(VPY) -m pip
STAMP := $(VENV)/.nodeplay-installed
TORCH_SPEC := $(VENV)/.torch-spec
TORCH_STAMP := $(VENV)/.torch-installed
SYSDEPS_STAMP := $(VENV)/.system-deps-ok

# Run a command on a display: under xvfb-run when there is none and xvfb-run exists
# (vispy needs a GL context even offscreen), else plainly.
define on_display
if [[ -z "$${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null 2>&1; then \
    xvfb-run -a -s "-screen 0 1920x1080x24" $(1); \
else \
    $(1); \
fi
endef

.PHONY: help setup run test lint bench bundle clean system-deps FORCE

help:
	@echo "make run     set up, then open the app (ARGS=\"open FILE\" to pass arguments)"
	@echo "make test    set up, then run lint-imports, mypy and the whole pytest suite"
	@echo "make setup   system packages, .venv, torch $(TORCH_VERSION), Nodeplay (editable)"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make bundle  the desktop bundle in dist/nodeplay/ (PyInstaller); check it: make test PYTEST_ARGS=\"-m bundle\""
	@echo "make lint    import-linter contracts, ruff check, ruff format --check, mypy"
	@echo "make clean   remove .venv, caches and build outputs"

setup: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

$(SYSDEPS_STAMP): scripts/system-deps.sh
	bash scripts/system-deps.sh
	@mkdir -p $(VENV)
	@touch $@

$(VPY): | $(SYSDEPS_STAMP)
	@py="$$(command -v $(PYTHON) || true)"; \
	if [[ -z "$$py" ]]; then \
	    if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	        py="$$(command -v python3)"; \
	    else \
	        echo "Nodeplay needs Python 3.11 or newer: install python3.11 or pass PYTHON=..." >&2; \
	        exit 1; \
	    fi; \
	fi; \
	echo "$$py -m venv $(VENV)"; \
	"$$py" -m venv $(VENV)

# Which torch to install: the version, and the wheel index when one was given. An earlier index
# is remembered, so a plain `make test` after `make setup TORCH_INDEX_URL=...` keeps that build.
$(TORCH_SPEC): FORCE | $(VPY)
	@want='$(strip $(TORCH_VERSION) $(TORCH_INDEX_URL))'; \
	have="$$(cat $@ 2>/dev/null || true)"; \
	if [[ -z '$(TORCH_INDEX_URL)' && "$${have%% *}" == '$(TORCH_VERSION)' ]]; then exit 0; fi; \
	[[ "$$have" == "$$want" ]] || echo "$$want" > $@

$(TORCH_STAMP): $(TORCH_SPEC)
	@read -r version index < $(TORCH_SPEC); \
	if [[ -n "$$index" ]]; then \
	    $(PIP) uninstall -y -q torch >/dev/null 2>&1 || true; \
	    echo "pip install torch==$$version --index-url $$index"; \
	    $(PIP) install "torch==$$version" --index-url "$$index"; \
	else \
	    echo "pip install torch==$$version"; \
	    $(PIP) install "torch==$$version"; \
	fi
	@touch $@

$(STAMP): pyproject.toml $(TORCH_STAMP)
	$(PIP) install -e '.[test,video]'
	@touch $@

FORCE:

run: setup
	$(VENV)/bin/nodeplay $(ARGS)

test: setup
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	@rc=0; $(call on_display,$(VPY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)) || rc=$$?; \
	if [[ $$rc == 5 ]]; then echo "make test: pytest collected no tests; that counts as a failure." >&2; fi; \
	exit $$rc

lint: setup
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	@shopt -s nullglob; files=(bench/[!_]*.py); \
	if [[ $${#files[@]} == 0 ]]; then echo "make bench: no benchmarks in bench/ yet." >&2; exit 1; fi; \
	for f in "$${files[@]}"; do \
	    echo "== $$f"; \
	    $(call on_display,$(VPY) "$$f"); \
	done

# The one-folder desktop bundle from packaging/nodeplay.spec (the `bundle` extra installs
# PyInstaller); `make test PYTEST_ARGS="-m bundle"` then starts it (tests/packaging).
bundle: setup
	@$(VPY) -c 'import PyInstaller' 2>/dev/null || $(PIP) install -e '.[bundle]'
	$(VENV)/bin/pyinstaller packaging/nodeplay.spec --noconfirm --distpath dist --workpath build
	@du -sh dist/nodeplay
	dist/nodeplay/nodeplay presets >/dev/null
	@echo "make bundle: dist/nodeplay/nodeplay starts; make test PYTEST_ARGS=\"-m bundle\" checks it further."

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .ruff_cache .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
