# The two commands: `make run` and `make test`. Both set up .venv and the system
# packages idempotently; a second run only checks and is fast.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.certbench-installed
QM_STAMP := $(VENV)/.certbench-translations

.PHONY: run test lint typecheck importlint pytest sysdeps venv translations screenshots bench clean

run: sysdeps venv translations
	$(PY) -m certbench.launch

test: sysdeps venv translations lint pytest

sysdeps:
	@sh scripts/system-deps.sh

venv: $(STAMP)

$(STAMP): pyproject.toml setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip setuptools wheel
	$(PY) -m pip install -q --disable-pip-version-check -e '.[gui,dev]'
	@touch $(STAMP)

translations: venv
	@if [ -f certbench/gui/i18n.py ]; then $(PY) -m certbench.gui.i18n build; fi

lint: venv
	$(VENV)/bin/ruff check certbench tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

pytest: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

screenshots: sysdeps venv translations
	$(PY) -m certbench.gui.screenshots docs/screenshots

bench: venv
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
