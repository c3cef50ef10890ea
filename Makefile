# The project's verbs. `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test lint format eval tune check bench browser screenshot clean requirements

# Re-install whenever the dependencies change or the venv is missing. The pinned versions go in
# first, so tests run on what Heroku installs from requirements.txt.
$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Rewrite requirements.txt from pyproject.toml's dependencies as installed in the venv (after a
# dependency is added or upgraded: `.venv/bin/pip install -U -e .` first to take the newest).
requirements: $(STAMP)
	$(BIN)/python scripts/requirements.py

run: $(STAMP)
	@echo "Demo mode on http://127.0.0.1:$(PORT): unsigned requests from this machine are accepted."
	@echo "Try:  curl -d Body='i ran away' -d From=%2B15550100 http://127.0.0.1:$(PORT)/sms"
	DEMO_MODE=1 $(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) 'app:create_app()'

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The matcher's precision and recall on every labelled table: held-out, fresh, typos and short
# (never used to choose anything), the short development table, the first turn's phrasings.
# The five development tables are among the examples since the eleventh round: not scored.
eval: $(STAMP)
	$(BIN)/referral-bot eval tests/heldout.tsv tests/fresh.tsv tests/fresh2.tsv tests/fresh3.tsv tests/fresh4.tsv tests/fresh5.tsv tests/fresh6.tsv tests/fresh7.tsv tests/fresh8.tsv tests/fresh9.tsv tests/typos.tsv tests/short.tsv tests/short-development.tsv tests/phrasings.tsv

# Suggest each topic's threshold by cross-validation on the examples (never the held-out table).
tune: $(STAMP)
	$(BIN)/referral-bot tune

check: $(STAMP)
	$(BIN)/referral-bot check

# The browser test drives Debian's Chromium; a fresh machine (CI) has neither it nor its driver.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "chromium and chromedriver are installed"; \
	else \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; \
	fi

# docs/staff-page.png (desktop) and docs/staff-page-phone.png, from a live demo server.
screenshot: $(STAMP) browser
	$(BIN)/python scripts/screenshot.py

# Load the Procfile's server with signed texts and print throughput, latency and memory.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_matching.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
