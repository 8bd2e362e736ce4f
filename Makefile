# inputspace: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Any Python 3.11-3.13 creates .venv (make setup PYTHON=python3.12); checked before the venv is made.
PYTHON   ?= python3
PYTHON_OK := import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else \
  "$(PYTHON) is Python %d.%d: this project needs 3.11, 3.12 or 3.13 (e.g. make setup PYTHON=python3.12)" % v)
VENV     := .venv
PY       := $(VENV)/bin/python
PROFILE  ?= quick
ONLY     ?=
FORCE    ?=
# make figures: notebooks at once, local|slurm. JOBS=1 is the plain sequential runner; more runs on
# Snakemake with cores/JOBS threads each. Default 2 (1 on a one-core machine): on the 2-core machines
# this project runs on, two one-thread notebooks at a time measured 13 % faster than one two-thread
# notebook (docs/paper-profile.md, "Two notebooks at a time: measured on 2 cores").
JOBS     ?= $(if $(filter 1,$(shell nproc 2>/dev/null || echo 1)),1,2)
ENGINE   ?= local
# ENGINE=slurm: a CPU-measured figures/paper-cost.json estimate is divided by this GPU speed-up
GPU_SPEEDUP ?= 100
DEVICE   ?= cpu
CHECK_JOBS ?= 2
# make figures MODEL_SEED=1: the quick zoo retrained with seed 1 (same recipe), notebooks run into
# build/quick-seed1/ (never notebooks/ or figures/); then `make seeds` writes figures/claims-seeds.md
MODEL_SEED ?=
ifneq ($(MODEL_SEED),)
export INPUTSPACE_MODEL_SEED := $(MODEL_SEED)
endif
# Paper-profile data locations (or set INPUTSPACE_IMAGENET / INPUTSPACE_CIFAR / INPUTSPACE_SVHN).
IMAGENET ?= $(INPUTSPACE_IMAGENET)
CIFAR    ?= $(INPUTSPACE_CIFAR)
SVHN     ?= $(INPUTSPACE_SVHN)
export INPUTSPACE_IMAGENET := $(IMAGENET)
export INPUTSPACE_CIFAR    := $(CIFAR)
export INPUTSPACE_SVHN     := $(SVHN)
# Nothing is fetched from a model hub outside the paper profile.
ifneq ($(PROFILE),paper)
export HF_HUB_OFFLINE := 1
endif
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help setup lock figures seeds smoke lint test browser site paper-check paper-cost unit bench lab clean distclean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Variables: PROFILE=smoke|quick|paper (figures), ONLY=p2-triangles,p3 (ids or prefixes), FORCE=1,"
	@echo "             JOBS=4 (notebooks at once), ENGINE=local|slurm, GPU_SPEEDUP=100 (slurm requests),"
	@echo "             IMAGENET=/path/ILSVRC2012 CIFAR=/path SVHN=/path (paper profile)"

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || { $(PYTHON) -c '$(PYTHON_OK)' && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e '.[test,bench,site]'
	touch $@

setup: $(VENV)/.installed ## Create .venv (PYTHON=python3.x, 3.11-3.13) with the pinned packages and this library (editable)

lock: setup ## Rewrite requirements.lock from .venv (pip freeze; Linux-only CUDA/triton wheels marked)
	$(PY) -m inputspace.lockfile freeze requirements.lock

figures: setup ## Execute the notebooks (PROFILE, ONLY, FORCE=1, JOBS=N, ENGINE=slurm, MODEL_SEED=N), write figures/ and the claims scorecard
ifeq ($(JOBS)$(ENGINE),1local)
	$(PY) -m inputspace.run run --profile $(PROFILE) $(if $(ONLY),--only $(ONLY)) $(if $(FORCE),--force)
else
	$(PY) -m inputspace.run.workflow run --profile $(PROFILE) --jobs $(JOBS) --engine $(ENGINE) \
	  --gpu-speedup $(GPU_SPEEDUP) $(if $(ONLY),--only $(ONLY)) $(if $(FORCE),--force)
endif

seeds: setup ## figures/claims-seeds.md: each quick verdict under every model seed run so far (make figures MODEL_SEED=N)
	$(PY) -m inputspace.run compare

smoke: setup ## Execute every notebook in the tiny smoke profile with papermill (into build/smoke)
	$(PY) -m inputspace.run run --profile smoke $(if $(ONLY),--only $(ONLY)) --force

unit: setup ## Library unit tests only
	$(PY) -m pytest tests -q

lint: setup ## ruff over the library, tests, benchmarks and the notebooks' code cells, and ruff format --check over the library, tests and benchmarks (config: pyproject.toml)
	$(VENV)/bin/ruff check lib tests benchmarks notebooks
	$(VENV)/bin/ruff format --check lib tests benchmarks

test: setup lint ## ruff, unit tests + every notebook end to end in the smoke profile under nbval (--nbval-lax), the JOBS>1 graph against the caches those notebooks shared, the browser tests, then the static site built and checked in Chromium
	$(PY) -m inputspace.run prepare --profile smoke $(if $(ONLY),--only $(ONLY))
	HF_HUB_OFFLINE=1 $(PY) -m pytest tests build/smoke/nb --nbval-lax --nbval-current-env -q -p no:cacheprovider
	$(PY) -m inputspace.run.workflow edges --profile smoke $(if $(ONLY),--only $(ONLY))
	$(BROWSER_TESTS)
	$(SITE)
	$(SITE_TESTS)

# After the notebooks: the explorers use the smoke models and caches they leave.
BROWSER_TESTS = HF_HUB_OFFLINE=1 $(PY) -m pytest tests/browser -q -p no:cacheprovider

# The static site: built from the committed notebooks and scorecard (never executed), then browsed.
SITE = $(PY) -m inputspace.site
SITE_TESTS = $(PY) -m pytest tests/site -q -p no:cacheprovider

site: setup ## Build the browsable static site into build/site/ (committed notebooks + scorecard, offline; open build/site/index.html)
	$(SITE)

browser: setup ## The ipywidgets explorers driven in JupyterLab + system Chromium (Playwright); after make smoke or make test
	$(BROWSER_TESTS)

paper-check: setup ## The paper profile end to end on stand-ins, offline, on the CPU (ONLY=): build/paper-check/
	HF_HUB_OFFLINE=1 $(PY) -m inputspace.run.papercheck run --jobs $(CHECK_JOBS) $(if $(ONLY),--only $(ONLY))

paper-cost: setup ## Time each notebook's unit of work at paper sizes on DEVICE=cpu|cuda, write figures/paper-cost.md and .json
	HF_HUB_OFFLINE=1 $(PY) -m inputspace.run.papercost --device $(DEVICE) $(if $(ONLY),--only $(ONLY))

bench: setup ## Speed benchmarks: ratios against the reference implementations named in the issues
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

lab: setup ## Open JupyterLab on notebooks/ with this project's kernel ("inputspace")
	$(PY) -m ipykernel install --sys-prefix --name inputspace --display-name "inputspace (.venv)"
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

clean: ## Remove build/ and result caches (keeps .venv and the trained models in data/models)
	rm -rf build data/cache

distclean: clean ## Also remove .venv and the trained models
	rm -rf $(VENV) data/models
