# Two entry points for a fresh machine: `make demo` (main job on bundled data)
# and `make test` (the test suite). Both create .venv and install what they need.
# `make test` builds the wheel and tests the *installed* wheel, as a user gets it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test dev wheel docs bench examples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

wheel: $(BIN)/python
	rm -rf dist build
	$(BIN)/python -m pip install -q build
	$(BIN)/python -m build -q --sdist --wheel --outdir dist . > /dev/null

demo: $(BIN)/python
	$(BIN)/python -m pip install -q '.[bio,plot]'
	$(BIN)/tiedpgm demo -o report

test: wheel
	$(BIN)/python -m pip install -q --force-reinstall --no-deps dist/tiedpgm-*.whl
	$(BIN)/python -m pip install -q "$$(ls dist/tiedpgm-*.whl)[test]"
	cd tests && ../$(BIN)/python -m pytest -q -p no:cacheprovider .

dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,docs]'

docs: $(BIN)/python
	$(BIN)/python -m pip install -q '.[docs]'
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html

bench: $(BIN)/python
	$(BIN)/python -m pip install -q '.[test]'
	$(BIN)/python benchmarks/hmm_cpu.py

clean:
	rm -rf $(VENV) build dist *.egg-info report docs/_build
