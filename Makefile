# Citizen Scorecard. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MO     := src/scorecard/locale/km/LC_MESSAGES/django.mo
PO     := src/scorecard/locale/km/LC_MESSAGES/django.po

.PHONY: install demo test lint typecheck pytest system-deps messages screenshots benchmarks clean

install: system-deps $(STAMP) $(MO)

# Debian packages the product and its tests use: Chromium for browser tests, a JRE for
# ODK Validate, gettext for the Khmer catalogue, poppler for looking at PDFs.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

$(MO): $(PO) $(STAMP)
	cd src/scorecard && ../../$(BIN)/scorecard manage compilemessages -l km -v 0

messages: $(STAMP)
	cd src/scorecard && ../../$(BIN)/scorecard manage makemessages -l km --no-location -i "*/migrations/*" -v 0
	$(BIN)/python scripts/po_fill.py $(PO) $(sort $(wildcard docs/i18n/*.yaml))
	cd src/scorecard && ../../$(BIN)/scorecard manage compilemessages -l km -v 0

demo: install
	$(BIN)/scorecard init --demo
	$(BIN)/scorecard serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests scripts $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests scripts $(wildcard benchmarks)

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: lint typecheck pytest

screenshots: install
	$(BIN)/python scripts/screenshots.py

# wrk (Debian) drives the load benchmark; only the benchmarks need it.
benchmarks: install
	@command -v wrk >/dev/null 2>&1 || { echo "Installing Debian package: wrk"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var build *.egg-info
