#!/usr/bin/env bash
# Runs every step in scripts/setup.d in order. Each step is idempotent and caches what is slow.
# `setup.sh run` runs only the steps marked `# needed-by: run` (what `make run` uses); the others
# (nats-server, protoc, btcd...) are for the tests and the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  if [ "${1:-}" = run ] && ! grep -q '^# needed-by: run' "$step"; then continue; fi
  bash "$step"
done
