#!/usr/bin/env bash
# Runs every step in scripts/setup.d in order. Each step is idempotent and caches what is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  bash "$step"
done
