#!/usr/bin/env bash
# nats-image.sh OUT.tar: an OCI image of the NATS server (Debian's nats-server and the libraries it
# links), for P2PoolNodes whose JetStream NATS the operator deploys on a cluster without a registry.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/k8s/oci.sh
out=$1
bash scripts/setup.d/20-nats-server.sh
bin=$(command -v nats-server)
ver=$(nats-server --version | grep -o '[0-9][0-9.]*' | head -1)
r=$(mktemp -d)
base_rootfs "$r"
copy_binary "$r" "$bin" /usr/local/bin/nats-server
pack_image "$r" nats "$ver" "$out" --config.user 10001:10001 --config.entrypoint /usr/local/bin/nats-server
rm -rf "$r"
echo "$ver"
