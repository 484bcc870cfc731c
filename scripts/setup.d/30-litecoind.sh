#!/usr/bin/env bash
# needed-by: run (the demo's own regtest full node)
# Litecoin Core 0.21.2.1 from Debian bookworm: the real full node the template-builder tests run on regtest.
set -euo pipefail
if command -v litecoind >/dev/null && command -v litecoin-cli >/dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Only refresh the package lists when apt does not know the package yet (a fresh image has none).
if ! apt-cache show litecoind >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends litecoind >/dev/null
echo "installed $(litecoind -version | head -1)" >&2
