# The two entry points a newcomer needs: `make run` and `make test`. Both create `.venv/` on first
# use and are quick when it is already up to date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export KERAS_BACKEND := jax

.PHONY: run test setup setup-test clean bench vsix client-test e2e-install e2e

run: $(VENV)/.installed
	$(BIN)/rnnlens check examples/

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("RNN Lens needs Python 3.10 or newer" if sys.version_info < (3, 10) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The benchmarks of bench/ (they compare against baselines measured in the same run).
bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The VS Code extension: client/dist/rnnlens-VERSION-TARGET.vsix (TARGETS="all" for every platform;
# default linux-x64).
vsix:
	client/scripts/build-vsix.sh $(TARGETS)

client-test: vsix
	cd client && npm test

# The real-editor end-to-end test (root: installs Debian's chromium, ripgrep, code-server 4.100.3 from npm).
e2e-install:
	client/scripts/e2e-install.sh

e2e: e2e-install
	client/scripts/e2e-run.sh

clean:
	rm -rf $(VENV) build dist
	rm -rf client/dist client/out client/e2e-artifacts client/bundled/libs client/bundled/tool/rnnlens
