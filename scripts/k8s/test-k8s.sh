#!/usr/bin/env bash
# make test-k8s: builds/caches the cluster binaries, installs the host packages, builds our image and a
# NATS image, starts the real single-node cluster, imports the images, runs test/k8s/*.k8s.ts, and
# stops everything (trap: also on failure or interrupt), restoring the host. Prints timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$(scripts/ensure-node.sh):$PWD/node_modules/.bin:$PATH"
t0=$SECONDS
stamp() { echo "test-k8s: $1: $((SECONDS - ${2:-$t0})) s" >&2; }
bash scripts/k8s/host-packages.sh
bash scripts/setup.d/30-litecoind.sh
t=$SECONDS; bash scripts/k8s/build.sh; stamp "binaries (build or cache)" $t
t=$SECONDS; bash scripts/k8s/image.sh; stamp "image" $t
export K8S_STATE="${K8S_STATE:-/tmp/p2pool-k8s-$$}"
cleanup() {
  local rc=$?
  [ "${K8S_KEEP_CLUSTER:-0}" = 1 ] && { echo "test-k8s: cluster kept (K8S_KEEP_CLUSTER=1): bash scripts/k8s/cluster.sh stop with K8S_STATE=$K8S_STATE" >&2; exit $rc; }
  local t=$SECONDS; bash scripts/k8s/cluster.sh stop || true; stamp "cluster stop" $t
  stamp total
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t=$SECONDS; bash scripts/k8s/cluster.sh start; stamp "cluster start" $t
. "$K8S_STATE/env"
TAG=$(node -p 'require("./package.json").version')
NATS_TAG=$(bash scripts/k8s/nats-image.sh .build/nats.oci.tar | tail -1)
t=$SECONDS
bash scripts/k8s/cluster.sh import ".build/p2pool-ts-$TAG.oci.tar" "localhost/p2pool-ts:$TAG"
bash scripts/k8s/cluster.sh import .build/nats.oci.tar "localhost/p2pool-nats:$NATS_TAG"
stamp "image import" $t
export P2POOL_IMAGE_REPO=localhost/p2pool-ts P2POOL_IMAGE_TAG=$TAG P2POOL_NATS_IMAGE=localhost/p2pool-nats:$NATS_TAG
t=$SECONDS
node --test --test-concurrency=1 --test-reporter=spec ${K8S_TESTS:-test/k8s/*.k8s.ts}
stamp "scenarios" $t
