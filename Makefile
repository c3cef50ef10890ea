# The project's verbs. `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test lint format check bench browser screenshot clean

# Re-install whenever pyproject.toml changes (new dependency) or the venv is missing.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
