# The two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install clean tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# Test tools from npm (package.json, pinned by package-lock.json): axe-core for the browser tests'
# accessibility check. Without npm they are left out (the check then skips, or fails in CI).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser tests cannot check accessibility (apt-get install npm)"; fi

tools: node_modules/.installed

install: $(VENV)/.installed tools

run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_history
	$(PY) manage.py collectstatic --noinput -v0
	scripts/serve.sh

test: $(VENV)/.installed tools
	scripts/test.sh

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache
