#!/usr/bin/env bash
# Helpers to build reproducible single-layer OCI images without Docker (umoci), sourced by image.sh
# and cluster-images.sh. Every file gets the same mtime (SOURCE_DATE_EPOCH) and owner, so the same
# inputs give the same image digest.
set -euo pipefail
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}" # 2026-01-01T00:00:00Z
EPOCH_ISO=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# copy_binary ROOTFS PATH-IN-HOST DEST-IN-ROOTFS: the binary plus the shared libraries it links.
copy_binary() {
  local rootfs=$1 src=$2 dest=$3 lib
  install -D -m 0755 "$src" "$rootfs$dest"
  for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
    install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
  done
}

# base_rootfs ROOTFS: users (root, app 10001), /tmp, nsswitch; nothing else.
base_rootfs() {
  local rootfs=$1
  mkdir -p "$rootfs"/{etc,tmp,data,usr/local/bin}
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001:app:/app:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  chown 10001:10001 "$rootfs/data"
}

# pack_image ROOTFS NAME TAG OUT-TAR [umoci config args...]: one layer, fixed times, a docker-archive
# compatible OCI tarball that `ctr images import` reads.
pack_image() {
  local rootfs=$1 name=$2 tag=$3 out; out=$(realpath -m "$4"); shift 4
  local work; work=$(mktemp -d)
  find "$rootfs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:$tag"
  umoci unpack --image "$work/oci:$tag" "$work/bundle" >/dev/null
  rmdir "$work/bundle/rootfs" 2>/dev/null || rm -rf "$work/bundle/rootfs"
  cp -a "$rootfs" "$work/bundle/rootfs"
  umoci repack --image "$work/oci:$tag" --history.created "$EPOCH_ISO" --history.created_by "scripts/k8s (umoci)" "$work/bundle"
  umoci config --image "$work/oci:$tag" --created "$EPOCH_ISO" --history.created "$EPOCH_ISO" --os linux --architecture amd64 \
    --config.label "org.opencontainers.image.title=$name" --config.label "org.opencontainers.image.version=$tag" "$@"
  umoci gc --layout "$work/oci"
  # The index names the image so importers know its reference.
  ( cd "$work/oci" && find . -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} + && \
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf "$out.tmp" . )
  mv "$out.tmp" "$out"
  rm -rf "$work"
}
