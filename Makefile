# nbversion developer commands. Two matter on a fresh machine:
#   make lab   - set everything up and open JupyterLab on examples/demo.ipynb
#   make test  - set everything up and run every check and test
# Setup steps are stamped in .stamps/ so reruns only redo what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
STAMPS := .stamps
LAB_PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.PHONY: help setup lab test lint format test-py test-ui test-faults test-fidelity bench bench-quick \
	check-extension chromium clean test-compat test-hub test-fidelity-compat

help:
	@echo "make lab         set up and launch JupyterLab on examples/ with nbversion"
	@echo "make test        set up, lint, run pytest tests/ and the browser tests in ui-tests/"
	@echo "make lint        ruff, mypy, tsc, eslint, prettier"
	@echo "make format      apply ruff and prettier formatting"
	@echo "make bench       benchmarks (nbversion vs dill vs Kishu); bench-quick for a short run"
	@echo "make test-faults long fault-injection trials"
	@echo "make test-fidelity every notebook of tests/fidelity: save per cell, restore, compare"
	@echo "make test-compat the wheel on JupyterLab 4.0 and on numpy 1.26 + pandas 2.2"
	@echo "make test-fidelity-compat  test-compat with the whole fidelity corpus on numpy 1.26"
	@echo "make test-hub    a real JupyterHub, three users, one shared S3 bucket (docs/deploy.md)"

$(STAMPS):
	@mkdir -p $(STAMPS)

# Python virtual environment, node (Rspack needs node ^20.19 || >=22.12) and the editable
# install, which runs `jlpm install` and builds the labextension through the hatch hook.
$(STAMPS)/venv: | $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@touch $@

$(STAMPS)/node: $(STAMPS)/venv
	@bash .ci/ensure-node.sh $(BIN)
	@touch $@

$(STAMPS)/install: $(STAMPS)/node pyproject.toml package.json
	$(BIN)/python -m pip install -q -e ".[test,dev]"
	@touch $@

$(STAMPS)/build: $(STAMPS)/install $(shell find src style schema -type f 2>/dev/null) tsconfig.json
	jlpm install
	jlpm build
	jupyter labextension develop --overwrite . > /dev/null
	@touch $@

setup: $(STAMPS)/build

chromium:
	@bash .ci/ensure-chromium.sh

lab: setup
	@echo "Starting JupyterLab on examples/ (Ctrl-C to stop); open the URL with the token below."
	$(BIN)/jupyter lab --no-browser $(ROOT_FLAG) --port=$(LAB_PORT) \
		--ServerApp.root_dir=examples --LabApp.default_url=/lab/tree/demo.ipynb

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	jlpm typecheck
	jlpm lint:check

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	jlpm lint

check-extension: setup
	@out=$$(jupyter server extension list 2>&1); grep -Eq "nbversion.*enabled" <<< "$$out" || \
		{ echo "$$out"; echo "nbversion server extension is not enabled"; exit 1; }
	@out=$$(jupyter labextension list 2>&1); grep -Eq "nbversion.*enabled.*OK" <<< "$$out" || \
		{ echo "$$out"; echo "nbversion labextension is not enabled"; exit 1; }
	@echo "nbversion server extension and labextension enabled"

test-py: setup
	$(BIN)/pytest tests $(PYTEST_ARGS)

test-ui: setup chromium
	$(BIN)/pytest ui-tests -p no:cacheprovider $(PYTEST_ARGS)

test: lint check-extension test-py test-ui

# The wheel on the stacks people run, in virtual environments of its own (.venv-compat/):
# the lowest supported JupyterLab (browser tests) and numpy 1.26 + pandas 2.2 (kernel round
# trips). Installing the wheel must not change their versions. See docs/development.md.
test-compat: setup chromium
	bash .ci/test-compat.sh

# the same, with every notebook of the fidelity corpus on numpy 1.26 + pandas 2.2
test-fidelity-compat: setup chromium
	COMPAT_FIDELITY=all bash .ci/test-compat.sh

# A real JupyterHub on loopback (configurable-http-proxy, three users on
# SimpleLocalProcessSpawner, one SeaweedFS bucket as the team's remote): REST through the
# proxy and a real browser through the hub's login page. See docs/deploy.md.
HUB_NODE := $(VENV)/hub-node
CHP := $(HUB_NODE)/node_modules/.bin/configurable-http-proxy

$(STAMPS)/hub: $(STAMPS)/install
	$(BIN)/python -m pip install -q "jupyterhub>=5,<7" websocket-client
	@mkdir -p $(HUB_NODE)
	npm install --silent --no-audit --no-fund --prefix $(HUB_NODE) "configurable-http-proxy@^5"
	@touch $@

test-hub: setup chromium $(STAMPS)/hub
	NBV_CHP=$(CURDIR)/$(CHP) $(BIN)/pytest tests/hub -p no:cacheprovider $(PYTEST_ARGS)

test-faults: setup
	$(BIN)/pytest tests/reliability tests -m slow $(PYTEST_ARGS)

# The whole fidelity corpus (make test runs its fast subset): real-world-style notebooks run
# cell by cell with a save after each, restored live and in a fresh kernel.
test-fidelity: setup
	NBVERSION_FIDELITY=all $(BIN)/pytest tests/fidelity $(PYTEST_ARGS)

# KISHU_PYTHON: a Python with Kishu installed (it pins old backports: keep it in its own venv)
bench: setup chromium
	$(BIN)/python benchmarks/run.py --workloads W1,W2,W3,W4
	$(BIN)/python benchmarks/many_vars.py --n 10000 --n 100000
	$(BIN)/python benchmarks/many_versions.py --browser --versions $(BENCH_VERSIONS)
	$(BIN)/python benchmarks/notebook_diff.py

# a store with many versions: listing, ahead/behind, no-op push/pull, fsck, gc
BENCH_VERSIONS ?= 100000
bench-versions: setup chromium
	$(BIN)/python benchmarks/many_versions.py --browser --versions $(BENCH_VERSIONS)

bench-quick: setup
	$(BIN)/python benchmarks/run.py --quick --json benchmarks/results/latest-quick.json

clean:
	rm -rf $(STAMPS) lib labextension tsconfig.tsbuildinfo ui-tests/artifacts .venv-compat
