#!/usr/bin/env bash
# Generates TypeScript from proto/ with ts-proto into OUT (default services/gen). The options make the
# output run under Node's type stripping: `.ts` import suffixes, enums as `as const` objects, bigint for
# 64-bit fields. `scripts/generate.sh --check` regenerates into a temp dir and fails on any drift.
set -euo pipefail
cd "$(dirname "$0")/.."
out=services/gen
check=0
if [ "${1:-}" = "--check" ]; then check=1; out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi
mkdir -p "$out"
opts=(
  esModuleInterop=true
  importSuffix=.ts
  forceLong=bigint
  enumsAsLiterals=true
  removeEnumPrefix=true
  outputServices=generic-definitions
  outputServices=default
  useExactTypes=false
  exportCommonSymbols=false
)
opt=$(IFS=,; echo "${opts[*]}")
if [ "$check" = 0 ]; then rm -rf "$out/p2pool"; fi
protoc --plugin=protoc-gen-ts_proto=node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$out" --ts_proto_opt="$opt" -I proto $(find proto -name '*.proto' | sort)
if [ "$check" = 1 ]; then
  if ! diff -r services/gen/p2pool "$out/p2pool" >/dev/null; then
    echo "services/gen is out of date with proto/: run 'make generate' and commit the result" >&2
    diff -r services/gen/p2pool "$out/p2pool" | head -40 >&2
    exit 1
  fi
fi
