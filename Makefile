# Guichet: build, run and test. `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# cargo-installed tools (cargo-leptos, wasm-bindgen) and end2end's npm tools
# (wasm-opt from binaryen, playwright) are found without any setup by hand.
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(CARGO_BIN):$(PATH)
# cargo-leptos 0.3.10 looks for the server at target/release/<bin-package> ("server")
# unless told the executable's name; the binary is `guichet`.
export LEPTOS_BIN_EXE_NAME ?= guichet
# Playwright never downloads a browser here: the tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# `make run` settings; each can be overridden from the environment.
GUICHET_DEMO_DATA ?= 1
DATABASE_URL ?= sqlite://data/guichet.db
GUICHET_SITE_ROOT ?= target/site
GUICHET_ADDR ?= 127.0.0.1:3000
# The address the accessibility statement gives for people who cannot use a page.
GUICHET_SUPPORT_EMAIL ?= accessibilite@guichet.test
# The key that seals the links the portal e-mails (GUICHET_OUTBOX_KEY), made once for `make run`
# and read again by `make outbox`; set GUICHET_OUTBOX_KEY to use another.
OUTBOX_KEY_FILE ?= data/outbox.key
OUTBOX_KEY = $${GUICHET_OUTBOX_KEY:-$$(cat '$(OUTBOX_KEY_FILE)')}

.PHONY: help tools run outbox build test fmt fmt-check clippy test-sqlite test-postgres e2e pg-start pg-stop clean-e2e

help:
	@echo "make run            install missing tools, build (release) and serve with demo data on $(GUICHET_ADDR)"
	@echo "make test           every check in order (tools, fmt, clippy, tests on SQLite and PostgreSQL, build, browser tests)"
	@echo "make outbox         print the e-mails \`make run\` queued (sign-up and invitation links) and mark them sent"
	@echo "make tools          install missing tools (add the browser and PostgreSQL: scripts/ensure-tools.sh --test)"
	@echo "make build          cargo leptos build --release, then precompress the bundle (.br, .gz)"
	@echo "make fmt            cargo fmt --all"
	@echo "make fmt-check | clippy | test-sqlite | test-postgres | e2e    one stage of 'make test'"
	@echo "make pg-start / pg-stop    a throwaway PostgreSQL cluster for running tests by hand"

tools:
	@scripts/ensure-tools.sh

build: tools
	cargo leptos build --release
	target/release/guichet precompress

run: build
	@mkdir -p data "$$(dirname '$(OUTBOX_KEY_FILE)')"
	@[ -s '$(OUTBOX_KEY_FILE)' ] || (umask 077 && head -c 32 /dev/urandom | base64 > '$(OUTBOX_KEY_FILE)')
	GUICHET_DEMO_DATA='$(GUICHET_DEMO_DATA)' DATABASE_URL='$(DATABASE_URL)' \
	GUICHET_SITE_ROOT='$(GUICHET_SITE_ROOT)' GUICHET_ADDR='$(GUICHET_ADDR)' \
	GUICHET_SUPPORT_EMAIL='$(GUICHET_SUPPORT_EMAIL)' GUICHET_OUTBOX_KEY="$(OUTBOX_KEY)" exec target/release/guichet

outbox:
	@DATABASE_URL='$(DATABASE_URL)' GUICHET_OUTBOX_KEY="$(OUTBOX_KEY)" target/release/guichet outbox

test:
	@scripts/test.sh

fmt:
	cargo fmt --all

fmt-check:
	@scripts/test.sh fmt

clippy:
	@scripts/test.sh clippy-ssr clippy-hydrate

test-sqlite:
	@scripts/test.sh test-sqlite

test-postgres:
	@scripts/test.sh test-postgres

e2e:
	@scripts/test.sh e2e

pg-start:
	@scripts/pg-test-cluster.sh start

pg-stop:
	@scripts/pg-test-cluster.sh stop

clean-e2e:
	rm -rf end2end/test-results end2end/playwright-report
