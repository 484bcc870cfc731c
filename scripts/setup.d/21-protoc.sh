#!/usr/bin/env bash
# protoc 3.21 from Debian bookworm: `make generate` turns proto/ into services/gen/ with ts-proto.
set -euo pipefail
if command -v protoc >/dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! apt-cache show protobuf-compiler >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null
echo "installed $(protoc --version)" >&2
