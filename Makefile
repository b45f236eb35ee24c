# Two entry points, both idempotent and self-installing:
#   make run    set up, then serve the course in JupyterLab (prints the URL)
#   make test   set up, then lint, type-check, check boundaries and run every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_OPTIONS ?=  # more JupyterLab options for run and formgrader, e.g. --ServerApp.token=...
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run formgrader instructor test setup docs lint types boundaries pytest lock release bundle clean

# JupyterLab refuses to run as root unless told (containers and CI machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# Trainees: no nbgrader instructor UI, chapters open as notebooks (see jupyter/trainee/).
run: setup
	@echo "Starting JupyterLab on the course; open the URL with the token printed below."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) \
		--config=jupyter/trainee/jupyter_server_config.json \
		--LabApp.app_settings_dir=$(CURDIR)/jupyter/trainee \
		--ServerApp.root_dir=. --LabApp.default_url=/lab/tree/course/00-welcome.ipynb $(LAB_OPTIONS)

# Instructors: JupyterLab with nbgrader's formgrader, Nbgrader menu and Validate button.
formgrader: setup
	@echo "Starting JupyterLab with nbgrader's formgrader; open the URL printed below."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) \
		--ServerApp.root_dir=. --LabApp.default_url=/formgrader $(LAB_OPTIONS)

# The same, by the name the instructor guide also uses.
instructor: formgrader

test: setup lint types boundaries pytest

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/debian.txt requirements/npm.txt \
		requirements/lite.txt scripts/setup.sh
	PYTHON=$(PYTHON) bash scripts/setup.sh
	@touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup
	$(BIN)/mypy src/packages grader

boundaries: setup
	$(BIN)/python src/packages/deployment/scripts/boundary-violation-check.py src/packages --fail-on-violations
	$(BIN)/lint-imports --no-cache  # the grader's own layers (pyproject.toml)

pytest: setup
	$(BIN)/python -m pytest

# Authors: regenerate exercises/ from solutions/ with nbgrader, then check every exercise.
release: setup
	for source in solutions/*/exercise.toml; do \
		$(BIN)/nbgrader generate_assignment "$$(basename "$$(dirname "$$source")")" --force \
			--CourseDirectory.db_url=sqlite:///$(VENV)/release.db || exit 1; \
	done
	$(BIN)/grader validate

# Instructors: what trainees receive (no solutions, no hidden tests).
bundle: setup
	$(BIN)/grader bundle dist/learner-bundle.zip

# Re-pin every dependency after changing pyproject.toml (needs the registries).
lock:
	bash scripts/setup.sh --relock

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis site dist artifacts
