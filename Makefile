# Both entry points build .venv/ from the project's own files and nothing else.
# `make run` installs only what running needs; `make test` adds the test extras
# (pytest, Playwright, ...). Each has its own stamp, redone when pyproject.toml changes.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test install bench mutate crisis-model clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The test extras include everything running needs, so this brings the run stamp up to date too.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

install: $(TEST_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python -m bot run --seed-if-empty examples/roster.xlsx

# The type check ([tool.mypy] in pyproject.toml) runs first; pytest only if it passes.
# Two worker processes, each taking whole test files (decision 0021); each has its own
# SQLite files, free ports and PostgreSQL database.
test: $(TEST_STAMP)
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python bench/intake.py

# Mutation testing of the modules that carry the promises (docs/testing.md); not in CI.
mutate: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	$(BIN)/python -m tests.mutation.run $(MODULES)

# Retrains the crisis classifier from bot/crisis/corpus/train.jsonl and rewrites
# bot/crisis/model.json (commit both). Only here is scikit-learn installed; not in CI.
crisis-model: $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python -m bot.crisis.train

clean:
	rm -rf $(VENV) var/*.db
