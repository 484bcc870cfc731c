#!/usr/bin/env bash
# tools.sh NAME: the path of a cached cluster tool (versions as in build.sh), e.g. $(scripts/k8s/tools.sh helm).
set -euo pipefail
CACHE="${P2POOL_CACHE:-$HOME/.cache/p2pool-ts}"
K8S_VERSION="${K8S_VERSION:-1.36.1}"; ETCD_VERSION="${ETCD_VERSION:-3.6.8}"
HELM_VERSION="${HELM_VERSION:-4.2.4}"; CRICTL_VERSION="${CRICTL_VERSION:-1.37.0}"
case "$1" in
  helm) echo "$CACHE/helm-v$HELM_VERSION/bin/helm" ;;
  etcd) echo "$CACHE/etcd-v$ETCD_VERSION/bin/etcd" ;;
  crictl) echo "$CACHE/crictl-v$CRICTL_VERSION/bin/crictl" ;;
  kubectl) if [ -x "$CACHE/k8s-v$K8S_VERSION/bin/kubectl" ]; then echo "$CACHE/k8s-v$K8S_VERSION/bin/kubectl"; else command -v kubectl; fi ;;
  kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy) echo "$CACHE/k8s-v$K8S_VERSION/bin/$1" ;;
  bin) echo "$CACHE/k8s-v$K8S_VERSION/bin" ;;
  *) echo "tools.sh: unknown tool $1" >&2; exit 2 ;;
esac
