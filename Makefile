# inputspace: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON   ?= python3.11
VENV     := .venv
PY       := $(VENV)/bin/python
PROFILE  ?= quick
ONLY     ?=
FORCE    ?=
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

.PHONY: help setup figures smoke lint test paper-check paper-cost unit bench lab clean distclean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Variables: PROFILE=smoke|quick|paper (figures), ONLY=p2-fig04,p3 (ids or prefixes), FORCE=1,"
	@echo "             IMAGENET=/path/ILSVRC2012 CIFAR=/path SVHN=/path (paper profile)"

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e '.[test,bench]'
	touch $@

setup: $(VENV)/.installed ## Create .venv with the pinned packages and this library (editable)

figures: setup ## Execute the notebooks (PROFILE, ONLY, FORCE=1), write figures/ and the claims scorecard
	$(PY) -m inputspace.pipeline run --profile $(PROFILE) $(if $(ONLY),--only $(ONLY)) $(if $(FORCE),--force)

smoke: setup ## Execute every notebook in the tiny smoke profile with papermill (into build/smoke)
	$(PY) -m inputspace.pipeline run --profile smoke $(if $(ONLY),--only $(ONLY)) --force

unit: setup ## Library unit tests only
	$(PY) -m pytest tests -q

lint: setup ## ruff over the library, tests, benchmarks and the notebooks' code cells (config: pyproject.toml)
	$(VENV)/bin/ruff check lib tests benchmarks notebooks

test: setup lint ## ruff, unit tests + every notebook end to end in the smoke profile under nbval (--nbval-lax)
	$(PY) -m inputspace.pipeline prepare --profile smoke $(if $(ONLY),--only $(ONLY))
	HF_HUB_OFFLINE=1 $(PY) -m pytest tests build/smoke/nb --nbval-lax --nbval-current-env -q -p no:cacheprovider

paper-check: setup ## The paper profile end to end on stand-ins, offline, on the CPU (ONLY=): build/paper-check/
	HF_HUB_OFFLINE=1 $(PY) -m inputspace.papercheck run $(if $(ONLY),--only $(ONLY))

paper-cost: setup ## paper-check at two work sizes, then figures/paper-cost.md (time per unit, extrapolated)
	HF_HUB_OFFLINE=1 $(PY) -m inputspace.papercheck run $(if $(ONLY),--only $(ONLY))
	HF_HUB_OFFLINE=1 $(PY) -m inputspace.papercheck run --scale 2 $(if $(ONLY),--only $(ONLY))
	$(PY) -m inputspace.papercheck cost

bench: setup ## Speed benchmarks: ratios against the reference implementations named in the issues
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

lab: setup ## Open JupyterLab on notebooks/ with this project's kernel ("inputspace")
	$(PY) -m ipykernel install --sys-prefix --name inputspace --display-name "inputspace (.venv)"
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

clean: ## Remove build/ and result caches (keeps .venv and the trained models in data/models)
	rm -rf build data/cache

distclean: clean ## Also remove .venv and the trained models
	rm -rf $(VENV) data/models
