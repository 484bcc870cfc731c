#!/usr/bin/env bash
# Debian packages the single-node cluster and the image build need: the container runtime (containerd, runc),
# CNI plugins (bridge, host-local, portmap), kube-proxy's iptables/conntrack, umoci for OCI images, openssl.
set -euo pipefail
need=()
for p in containerd runc containernetworking-plugins umoci iptables conntrack openssl ethtool socat; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} = 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! apt-cache show containerd >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
for i in $(seq 1 60); do
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null && break
  echo "k8s/host-packages.sh: apt busy, retrying" >&2; sleep 5
done
# Debian starts containerd as a service on install where an init system runs; the cluster harness runs its own.
if pidof systemd >/dev/null 2>&1; then $SUDO systemctl disable --now containerd >/dev/null 2>&1 || true; fi
dpkg -s "${need[@]}" >/dev/null
