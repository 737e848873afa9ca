# OneWindow: `make demo` sets everything up and serves the demo county; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers on the two cores we have; set PYTEST_WORKERS=0 to run in one process.
PYTEST_WORKERS ?= 2

.PHONY: install fonts browser proxy-tools demo test screenshots lint typecheck format messages bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $@

install: fonts $(VENV)/.installed

# The PDF notices embed TrueType CJK fonts (docs/decisions/0012-notice-font.md): Debian's
# WenQuanYi Zen Hei for the text and BabelStone Han for rare characters (CJK Extension B …).
# ONEWINDOW_NOTICE_FONT / ONEWINDOW_NOTICE_FALLBACK_FONTS point elsewhere on other systems.
NOTICE_FONT_FILES := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf
NOTICE_FONT_PACKAGES := fonts-wqy-zenhei fonts-babelstone-han
fonts:
	@ls $(NOTICE_FONT_FILES) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(NOTICE_FONT_PACKAGES); \
	  else echo "The notice fonts are missing: install Debian's $(NOTICE_FONT_PACKAGES), or set ONEWINDOW_NOTICE_FONT and ONEWINDOW_NOTICE_FALLBACK_FONTS (docs/notices.md)."; fi; }

# The server, the task worker and the scheduler start together and stop together (Ctrl-C):
# the scheduler enqueues the periodic tasks (the trail's checkpoints), the worker runs them.
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py personal_data_rekey --from-secret-key --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py trail_keygen --if-missing
	@echo ""
	@echo "  OneWindow demo: http://$(HOST):$(PORT)/"
	@echo "  Admin:          http://$(HOST):$(PORT)/admin/   (logins above)"
	@echo "  Worker and scheduler run beside it; Ctrl-C stops all three."
	@echo ""
	@trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The page tests drive Debian's Chromium (Playwright never downloads a browser here); the notice
# fonts (`fonts`) are the CJK fonts that make the pages' Chinese render in screenshots.
browser: fonts
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "Chromium is missing: install your distribution's chromium package to run the page tests."; fi; }

# The deployment test (tests/deploy/test_proxy.py) runs Debian's nginx with the configuration of
# docs/operations.md in front of gunicorn, with a certificate made by openssl. The test starts its
# own nginx: the service the package enables on a machine with systemd is stopped again.
proxy-tools:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v openssl >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx openssl && \
	    { ! systemctl is-active -q nginx 2>/dev/null || systemctl disable --now nginx; }; \
	  else echo "nginx or openssl is missing: install your distribution's nginx and openssl packages to run the proxy test."; fi; }

test: install browser proxy-tools
	$(PY) -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS)) --create-db $(PYTEST_ARGS)

# The browser journeys (tests/e2e) save their screenshots into docs/screenshots, where the user
# guides (docs/guide-*.md) show them; commit the changed pictures after looking at them.
screenshots: install browser
	ONEWINDOW_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest tests/e2e -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The house rules (docs/decisions/0006-house-rules.md): strict types on the files listed in
# pyproject.toml's [tool.mypy] `files`, and imports that run one way between the apps.
typecheck: install
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Each app keeps its own catalog in onewindow/<app>/locale; the compiled .mo files are
# committed so an install needs no gettext tools.
messages: install
	for app in onewindow/*/; do [ -f $$app/apps.py ] || continue; \
	  (cd $$app && mkdir -p locale && ../../$(PY) -P -m django makemessages -l zh_Hans -l en --no-obsolete --settings=config.settings --pythonpath=../.. ); done
	$(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) -m bench $(NAME) $(ARGS)

clean:
	rm -rf $(VENV) var
