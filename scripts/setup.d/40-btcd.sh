#!/usr/bin/env bash
# btcd (Bitcoin full node in Go) built from the Go module proxy: the real Bitcoin node for regtest tests.
# Cached by version under ${P2POOL_CACHE:-$HOME/.cache/p2pool-ts}/btcd-<version>/bin; the harness looks there.
set -euo pipefail
BTCD_VERSION="${BTCD_VERSION:-v0.26.2}"
cache="${P2POOL_CACHE:-$HOME/.cache/p2pool-ts}/btcd-$BTCD_VERSION"
if [ -x "$cache/bin/btcd" ] && [ -x "$cache/bin/btcctl" ]; then exit 0; fi
if ! command -v go >/dev/null; then
  for g in /usr/local/go/bin /usr/lib/go/bin; do [ -x "$g/go" ] && PATH="$g:$PATH"; done
fi
command -v go >/dev/null || { echo "40-btcd.sh: Go is needed to build btcd (go >= 1.25)" >&2; exit 1; }
mkdir -p "$cache.tmp"
# GOTOOLCHAIN=local: fail fast instead of downloading a toolchain if the module wants a newer Go.
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$cache.tmp/bin" GOFLAGS=-trimpath \
  go install -ldflags "-s -w" "github.com/btcsuite/btcd@$BTCD_VERSION" "github.com/btcsuite/btcd/cmd/btcctl@$BTCD_VERSION"
rm -rf "$cache" && mv "$cache.tmp" "$cache"
echo "installed btcd $BTCD_VERSION into $cache/bin" >&2
