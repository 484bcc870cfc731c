# All targets run on Node >= 22.18 (type stripping): scripts/ensure-node.sh installs Node 24 LTS from the
# npm registry into ~/.cache/p2pool-ts when the system's Node is older.
SHELL := /bin/bash
NODE_BIN := $(shell scripts/ensure-node.sh)
export PATH := $(NODE_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
NODE := $(NODE_BIN)/node
TEST_GLOBS ?= 'services/**/*.test.ts' 'test/**/*.test.ts' 'operator/**/*.test.ts'
ARGS ?=

.PHONY: help setup setup-run run test typecheck lint deps format format-check unit bench generate clean image crd chart-lint test-k8s

## help: list the targets
help:
	@grep -hE '^## [a-z-]+:' $(MAKEFILE_LIST) | sed -e 's/^## //' | awk '{ i = index($$0, ": "); printf "  make %-10s %s\n", substr($$0, 1, i - 1), substr($$0, i + 2) }'

## setup: install everything the project and its tests need (npm packages, Debian packages, Go tools); cached
setup: node_modules/.stamp
	@bash scripts/setup.sh

## setup-run: install only what `make run` needs (npm packages, litecoind); cached
setup-run: node_modules/.stamp
	@bash scripts/setup.sh run

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## run: the pool on its embedded default (one process)
# `make run` is the newcomer's demo: Litecoin regtest, litecoind started when no full node is given,
# the built-in CPU miner; ARGS='...' adds flags (later ones win, e.g. ARGS='--net litecoin ...').
run: override ARGS := --net litecoin_regtest_v36 --demo-miner $(ARGS)
run: setup-run
	$(NODE) services/cli/main.ts $(ARGS)

## test: every check CI runs
test: setup typecheck deps lint format-check unit

typecheck: node_modules/.stamp
	tsc -p tsconfig.json

## deps: the layer rules of docs/architecture.md and no module cycles (.dependency-cruiser.cjs)
deps: node_modules/.stamp
	depcruise --config .dependency-cruiser.cjs --output-type err-long services test bench $(wildcard operator)

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

## image: the OCI image of every service and the operator, without Docker (prints its size)
image: node_modules/.stamp
	@bash scripts/k8s/host-packages.sh
	@bash scripts/k8s/image.sh

## crd: write the P2PoolNode CRD from operator/api/crd.ts into the chart
crd: node_modules/.stamp
	$(NODE) operator/api/crd-file.ts --write

## chart-lint: helm lint --strict of charts/p2pool (helm built from the Go module proxy, cached)
chart-lint:
	@bash scripts/k8s/build.sh helm
	@$$(bash scripts/k8s/tools.sh helm) lint --strict charts/p2pool

## test-k8s: a real single-node Kubernetes on this machine, our image, the operator's scenarios
# (cold: builds and caches the Kubernetes binaries first; stops all it starts, restores host settings)
test-k8s: node_modules/.stamp
	@bash scripts/k8s/test-k8s.sh
