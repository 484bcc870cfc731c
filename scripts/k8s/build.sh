#!/usr/bin/env bash
# Builds the single-node cluster's binaries from the Go module proxy and caches them by version:
#   ${P2POOL_CACHE:-~/.cache/p2pool-ts}/k8s-v<K8S>/bin    kube-apiserver kube-controller-manager kube-scheduler
#                                                         kubelet kube-proxy (and kubectl when none is installed)
#   .../etcd-v<ETCD>/bin etcd ; .../helm-v<HELM>/bin helm ; .../crictl-v<CRICTL>/bin crictl
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces every staging module with a local path), so a
# wrapper module requires it and replaces each staging module by its published v0.N.P (docs/kubernetes.md).
# Usage: build.sh [all|etcd|helm|crictl|k8s]. Idempotent; a finished build is moved into place atomically, so an interrupted one is simply redone.
set -euo pipefail
K8S_VERSION="${K8S_VERSION:-1.36.1}"
ETCD_VERSION="${ETCD_VERSION:-3.6.8}"
HELM_VERSION="${HELM_VERSION:-4.2.4}"
CRICTL_VERSION="${CRICTL_VERSION:-1.37.0}"
CACHE="${P2POOL_CACHE:-$HOME/.cache/p2pool-ts}"
for g in /usr/local/go/bin /usr/lib/go/bin; do [ -x "$g/go" ] && PATH="$g:$PATH"; done
command -v go >/dev/null || { echo "k8s/build.sh: Go >= 1.26 is needed" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
log() { echo "k8s/build.sh: $*" >&2; }

build_k8s() {
  local out="$CACHE/k8s-v$K8S_VERSION" minor stg tmp
  local want=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
  command -v kubectl >/dev/null || want+=(kubectl)
  local missing=0; for b in "${want[@]}"; do [ -x "$out/bin/$b" ] || missing=1; done
  [ $missing = 0 ] && return 0
  minor=${K8S_VERSION#1.}; minor=${minor%%.*}; stg=v0.${K8S_VERSION#1.}
  tmp="$out.build"; mkdir -p "$tmp/src" "$tmp/bin"
  ( cd "$tmp/src"
    [ -f go.mod ] || go mod init local/k8sbins >/dev/null 2>&1
    gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
    for m in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => \./staging/.*|\1|p' "$gomod"); do
      go mod edit -replace="$m=$m@$stg"; done
    go get "k8s.io/kubernetes@v$K8S_VERSION"
    pkgs=(); for b in "${want[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b@v$K8S_VERSION"); done
    go get -tool "${pkgs[@]}"
    v="-X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
    v="$v -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
    v="$v -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1"
    v="$v -X k8s.io/client-go/pkg/version.gitMinor=$minor"
    for b in "${want[@]}"; do
      [ -x "$tmp/bin/$b" ] && continue
      log "building $b v$K8S_VERSION"
      go build -trimpath -ldflags "-s -w $v" -o "$tmp/bin/$b.part" "k8s.io/kubernetes/cmd/$b"
      mv "$tmp/bin/$b.part" "$tmp/bin/$b"
    done )
  mkdir -p "$out/bin"; for b in "${want[@]}"; do mv -f "$tmp/bin/$b" "$out/bin/$b"; done; rm -rf "$tmp"
}

build_etcd() {
  local out="$CACHE/etcd-v$ETCD_VERSION" tmp
  [ -x "$out/bin/etcd" ] && return 0
  tmp="$out.build"; mkdir -p "$tmp/src" "$tmp/bin"
  ( cd "$tmp/src"
    [ -f go.mod ] || go mod init local/etcdbin >/dev/null 2>&1
    go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
    log "building etcd v$ETCD_VERSION"
    go build -trimpath -ldflags "-s -w" -o "$tmp/bin/etcd" go.etcd.io/etcd/server/v3 )
  rm -rf "$out"; mkdir -p "$out"; mv "$tmp/bin" "$out/bin"; rm -rf "$tmp"
}

go_install() { # name module@version cache-dir
  local out="$3"
  [ -x "$out/bin/$1" ] && return 0
  log "building $1"
  rm -rf "$out.build"; GOBIN="$out.build/bin" GOFLAGS=-trimpath go install -ldflags "-s -w" "$2"
  rm -rf "$out"; mv "$out.build" "$out"
}

what="${1:-all}"
case "$what" in all|etcd) build_etcd ;; esac
case "$what" in all|helm) go_install helm "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION" "$CACHE/helm-v$HELM_VERSION" ;; esac
case "$what" in all|crictl) go_install crictl "sigs.k8s.io/cri-tools/cmd/crictl@v$CRICTL_VERSION" "$CACHE/crictl-v$CRICTL_VERSION" ;; esac
case "$what" in all|k8s) build_k8s ;; esac
[ "$what" = all ] || exit 0
log "ready: k8s v$K8S_VERSION, etcd v$ETCD_VERSION, helm v$HELM_VERSION, crictl v$CRICTL_VERSION under $CACHE"
