# Two commands: `make demo` (the instructor's main job on a sample class) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint lab release validate benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/workshop demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .

# Participants work on copies in work/ (never overwritten), so release/ stays as released.
lab: $(STAMP)
	mkdir -p work && cp -rn release/. work/
	$(BIN)/jupyter lab --notebook-dir=work

release: $(STAMP)
	$(BIN)/workshop release

validate: $(STAMP)
	$(BIN)/workshop validate

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf submitted autograded feedback gradebook.db demo .selfgrade
