# The README's commands: `make test`, `make reports` and `make lab`. Each sets everything up first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
KERNEL := samenwerkingsmonitor
STAMP := $(VENV)/.installed

.PHONY: install test reports lab bench lint demo clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	# One-time build of the de-identification lookup (a few minutes), so that no render is surprised by it.
	$(PY) -m monitor.privacy.deidentify --prepare
	# The notebooks' kernel is the project's own, kept inside the venv (no user-wide install).
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Samenwerkingsmonitor (Python 3)"
	@touch $@

test: $(STAMP)
	$(PY) -m pytest

reports: $(STAMP)
	$(VENV)/bin/monitor render

# JupyterLab on the project folder, opened at notebooks/ (reports/ is one level up in the file browser),
# with the project's kernel for new notebooks. Ctrl-C twice stops it. More options through LAB_ARGS,
# e.g. `make lab LAB_ARGS="--no-browser --port 8899"`. As root (containers, CI) Jupyter wants --allow-root.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
		--MappingKernelManager.default_kernel_name=$(KERNEL) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks

# ruff, and the import direction of the wings (import-linter's contracts in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check monitor tests benchmarks
	$(VENV)/bin/lint-imports

# Regenerate the committed demo data from its preset (monitor/core/config.py: DEMO_SETTINGS).
demo: $(STAMP)
	$(VENV)/bin/monitor simulate data/demo/responses.csv --preset demo --force

clean:
	rm -rf $(VENV) .pytest_cache
