#!/usr/bin/env bash
# nats-server 2.9.10 from Debian bookworm: the real bus the cluster tests run against (JetStream, KV, queue groups).
set -euo pipefail
if command -v nats-server >/dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Only refresh the package lists when apt does not know the package yet (a fresh image has none).
if ! apt-cache show nats-server >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nats-server >/dev/null
echo "installed nats-server $(nats-server --version)" >&2
