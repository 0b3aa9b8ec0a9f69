# Lantian: `make demo` to try it, `make test` to check it. Everything runs from ./.venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# Test processes (pytest-xdist): both cores of the project's machine; JOBS=0 runs in this process.
JOBS ?= auto
BENCHES := $(wildcard bench/*.py)
# The HJ 212 gateway's C speedups (src/lantian/hj212/_speedups.c), built in place next to the code.
SPEEDUPS := src/lantian/hj212/_speedups$(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
PY_INCLUDE := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')

.PHONY: venv speedups demo serve test test-browser lint format bench messages clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Lantian needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(SPEEDUPS): src/lantian/hj212/_speedups.c
	$(CC) -shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -Werror -I$(PY_INCLUDE) $< -o $@

speedups: $(SPEEDUPS)

venv: $(VENV)/.installed $(SPEEDUPS)

# The periodic jobs (overdue flags, roll-ups, clocks: lantian.core.periodic) run once after loading and
# then every minute beside the server, as `manage.py run_periodic --loop` does in the embedded default.
demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py run_periodic --all
	@echo "Serving http://127.0.0.1:8000 (Ctrl-C stops it)"
	@mkdir -p var; trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py run_periodic --loop >var/periodic.log 2>&1 & \
	$(PY) manage.py hj212_gateway --host 127.0.0.1 --port 6001 >var/hj212-gateway.log 2>&1 & \
	$(PY) manage.py air_simulate --host 127.0.0.1 --port 6001 >var/air-simulate.log 2>&1 & \
	$(PY) manage.py runserver 127.0.0.1:8000

serve: venv
	$(PY) manage.py runserver 127.0.0.1:8000

test: venv
	$(VENV)/bin/pytest -n $(JOBS) $(PYTEST_ARGS)

test-browser: venv
	$(VENV)/bin/pytest -n $(JOBS) -m browser $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv
	@if [ -s bench/requirements.txt ]; then $(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt; fi
	@for script in $(BENCHES); do echo "== $$script"; $(PY) $$script || exit 1; done

# Extract new strings into the zh-hans catalogue and compile it (needs GNU gettext).
messages: venv
	cd src/lantian && ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete -i "static/vendor/*"
	cd src/lantian && ../../$(PY) ../../manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var test-artifacts $(SPEEDUPS)
