# All targets run on Node >= 22: scripts/ensure-node.sh installs Node 24 LTS from the
# npm registry into ~/.cache/p2pool-ts when the system's Node is older.
SHELL := /bin/bash
NODE_BIN := $(shell scripts/ensure-node.sh)
export PATH := $(NODE_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
NODE := $(NODE_BIN)/node
TEST_GLOBS ?= 'services/**/*.test.ts' 'test/**/*.test.ts' 'operator/**/*.test.ts'
ARGS ?=

.PHONY: setup run test typecheck lint deps format format-check unit bench generate clean

## setup: install everything the project needs (npm packages, Debian packages, Go tools); cached
setup: node_modules/.stamp
	@bash scripts/setup.sh

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## run: the pool on its embedded default (one process)
# `make run` is the newcomer's demo: Litecoin regtest, litecoind started when no full node is given,
# the built-in CPU miner; ARGS='...' adds flags (later ones win, e.g. ARGS='--net litecoin ...').
run: override ARGS := --net litecoin_regtest --demo-miner $(ARGS)
run: setup
	$(NODE) services/cli/main.ts $(ARGS)

## test: every check CI runs
test: setup typecheck deps lint unit

typecheck: node_modules/.stamp
	tsc -p tsconfig.json

## deps: the layer rules of docs/architecture.md and no module cycles (.dependency-cruiser.cjs)
deps: node_modules/.stamp
	depcruise --config .dependency-cruiser.cjs --output-type err services test bench $(wildcard operator)

## lint: Biome's linter (biome.json)
lint: node_modules/.stamp
	biome lint --error-on-warnings

## format: rewrite the tree in the project's style (biome.json); format-check: fail on any difference
format: node_modules/.stamp
	biome format --write

format-check: node_modules/.stamp
	biome format

unit: node_modules/.stamp
	$(NODE) --test --test-reporter=spec $(TEST_GLOBS)

## bench: speed and memory figures, one `name: value unit` line each
bench: setup
	$(NODE) bench/run.ts

clean:
	rm -rf node_modules .data

## generate: TypeScript contracts from proto/ (ts-proto) into services/gen/ (never hand-edited)
generate: node_modules/.stamp
	@bash scripts/generate.sh

# make test also fails when services/gen/ differs from what proto/ generates
test: gen-check
gen-check: setup
	@bash scripts/generate.sh --check
