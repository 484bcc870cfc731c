#!/usr/bin/env bash
# Debian's chromium: the headless browser the dashboard tests drive through playwright-core.
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! apt-cache show chromium >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
# apt holds a lock: another setup may be installing; wait for it rather than fail.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed $(chromium --version)" >&2
