#!/usr/bin/env bash
# A real single-node Kubernetes on this machine (docs/kubernetes.md): etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, containerd+runc, kubelet, kube-proxy (iptables), a CNI bridge.
#   cluster.sh start   -> writes $K8S_STATE/env (KUBECONFIG, NODE_IP, ...) for tests to source
#   cluster.sh stop    -> stops all it started, removes pods/mounts/cgroups/interfaces, restores the
#                         sysctls and iptables rules it found (safe to call twice, and after a failed start)
#   cluster.sh import IMAGE.tar REF -> loads an OCI image into the node's containerd
# Host changes (all undone by stop): a dummy (or, without the dummy module, an empty bridge) interface holding the node IP, ip_forward and
# bridge-nf-call-iptables, iptables rules (saved before, restored after), the cni0 bridge.
set -euo pipefail
cd "$(dirname "$0")/../.."
STATE="${K8S_STATE:-/tmp/p2pool-k8s}"
NODE_IP="${K8S_NODE_IP:-10.213.0.1}"
NODE_NAME="${K8S_NODE_NAME:-p2pool-node}"
IFACE="${K8S_IFACE:-p2pk8s0}"
POD_CIDR="10.244.0.0/24"; CLUSTER_CIDR="10.244.0.0/16"; SERVICE_CIDR="10.96.0.0/16"; SERVICE_IP="10.96.0.1"
API_PORT="${K8S_API_PORT:-6443}"; ETCD_PORT="${K8S_ETCD_PORT:-23790}"
BIN=$(bash scripts/k8s/tools.sh bin)
ETCD=$(bash scripts/k8s/tools.sh etcd); CRICTL=$(bash scripts/k8s/tools.sh crictl); KUBECTL=$(bash scripts/k8s/tools.sh kubectl)
SOCK="$STATE/containerd/containerd.sock"
log() { echo "cluster.sh: $*" >&2; }

pause_image() { # a static program that sleeps until a signal: the pod sandbox image
  local cache="${P2POOL_CACHE:-$HOME/.cache/p2pool-ts}/pause-v1"
  if [ ! -f "$cache/pause.oci.tar" ]; then
    mkdir -p "$cache/src" && cd "$cache/src"
    cat >main.go <<'GO'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
GO
    [ -f go.mod ] || GOTOOLCHAIN=local go mod init local/pause >/dev/null 2>&1
    CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -ldflags "-s -w" -o pause .
    cd - >/dev/null
    ( . scripts/k8s/oci.sh; r=$(mktemp -d); install -D -m 0755 "$cache/src/pause" "$r/pause"
      pack_image "$r" pause p2pool "$cache/pause.oci.tar" --config.entrypoint /pause; rm -rf "$r" )
  fi
  echo "$cache/pause.oci.tar"
}

certs() {
  local d="$STATE/pki"
  [ -f "$d/admin.kubeconfig" ] && return 0
  mkdir -p "$d"; cd "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=p2pool-test-ca -keyout ca.key -out ca.crt 2>/dev/null
  sign() { # name CN O [SANs]
    openssl req -newkey rsa:2048 -nodes -subj "/O=$3/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
    if [ -n "${4:-}" ]; then
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out "$1.crt" -extfile <(printf "subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth" "$4") 2>/dev/null
    else
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out "$1.crt" -extfile <(printf "extendedKeyUsage=clientAuth") 2>/dev/null
    fi
  }
  sign apiserver kube-apiserver kubernetes "IP:$NODE_IP,IP:127.0.0.1,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:localhost"
  sign admin admin system:masters
  sign kcm system:kube-controller-manager system:kube-controller-manager
  sign scheduler system:kube-scheduler system:kube-scheduler
  sign proxy system:kube-proxy system:node-proxier
  sign kubelet "system:node:$NODE_NAME" system:nodes "IP:$NODE_IP,DNS:$NODE_NAME"
  sign apiserver-kubelet kube-apiserver-kubelet-client system:masters
  openssl genrsa -out sa.key 2048 2>/dev/null && openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  for u in admin kcm scheduler proxy kubelet; do
    "$KUBECTL" config set-cluster local --server="https://$NODE_IP:$API_PORT" --certificate-authority=ca.crt --embed-certs --kubeconfig="$u.kubeconfig" >/dev/null
    "$KUBECTL" config set-credentials u --client-certificate="$u.crt" --client-key="$u.key" --embed-certs --kubeconfig="$u.kubeconfig" >/dev/null
    "$KUBECTL" config set-context local --cluster=local --user=u --kubeconfig="$u.kubeconfig" >/dev/null
    "$KUBECTL" config use-context local --kubeconfig="$u.kubeconfig" >/dev/null
  done
  cd - >/dev/null
}

spawn() { # name cmd...: background, logs and pid under $STATE
  local name=$1; shift
  setsid "$@" >"$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$STATE/pids/$name"
}

wait_for() { # what seconds cmd...
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  log "timed out waiting for $what"; return 1
}

host_setup() {
  mkdir -p "$STATE/host"
  if [ ! -f "$STATE/host/saved" ]; then
    cat /proc/sys/net/ipv4/ip_forward >"$STATE/host/ip_forward"
    cat /proc/sys/net/bridge/bridge-nf-call-iptables >"$STATE/host/bridge-nf-call-iptables" 2>/dev/null || true
    iptables-save >"$STATE/host/iptables" 2>/dev/null || true
    ip6tables-save >"$STATE/host/ip6tables" 2>/dev/null || true
    touch "$STATE/host/saved"
  fi
  echo 1 >/proc/sys/net/ipv4/ip_forward
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null || true
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] && echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
  ip link show "$IFACE" >/dev/null 2>&1 || { { ip link add "$IFACE" type dummy 2>/dev/null || ip link add "$IFACE" type bridge; }; ip addr add "$NODE_IP/32" dev "$IFACE"; ip link set "$IFACE" up; }
  mkdir -p /var/log/containers /var/log/pods
}

write_configs() {
  mkdir -p "$STATE"/{containerd,cni/net.d,kubelet,logs,pids,etcd}
  cat >"$STATE/cni/net.d/10-p2pool.conflist" <<JSON
{ "cniVersion": "1.0.0", "name": "p2pool-k8s", "plugins": [
  { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "portmap", "capabilities": { "portMappings": true } } ] }
JSON
  cat >"$STATE/containerd/config.toml" <<TOML
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:p2pool"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
TOML
  cat >"$STATE/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
oomScoreAdj: 0
containerRuntimeEndpoint: unix://$SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $STATE/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $STATE/pki/kubelet.crt
tlsPrivateKeyFile: $STATE/pki/kubelet.key
address: $NODE_IP
readOnlyPort: 0
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
clusterDNS: []
resolvConf: /etc/resolv.conf
failSwapOn: false
maxPods: 60
serializeImagePulls: false
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
podPidsLimit: -1
YAML
  cat >"$STATE/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $CLUSTER_CIDR
oomScoreAdj: 0
nodePortAddresses: ["$NODE_IP/32"]
iptables: {localhostNodePorts: false, masqueradeAll: false}
conntrack: {maxPerCore: 0}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
clientConnection: {kubeconfig: $STATE/pki/proxy.kubeconfig}
hostnameOverride: $NODE_NAME
YAML
}

# One cluster per machine (fixed node IP, ports, interface): a lock names the state dir that holds it;
# another start waits for it (up to K8S_LOCK_WAIT seconds), taking over a lock whose holder is gone.
LOCK=/tmp/p2pool-k8s.lock
take_lock() {
  local waited=0 holder
  until mkdir "$LOCK" 2>/dev/null; do
    holder=$(cat "$LOCK/state" 2>/dev/null || true)
    if [ -n "$holder" ] && [ ! -d "$holder" ]; then rm -rf "$LOCK"; continue; fi
    [ "$waited" -ge "${K8S_LOCK_WAIT:-1800}" ] && { log "another test cluster ($holder) is still running"; exit 1; }
    [ $((waited % 60)) = 0 ] && log "waiting for the test cluster of $holder to stop"
    sleep 5; waited=$((waited + 5))
  done
  echo "$STATE" >"$LOCK/state"
}
drop_lock() { [ "$(cat "$LOCK/state" 2>/dev/null)" = "$STATE" ] && rm -rf "$LOCK"; return 0; }

start() {
  local t0=$SECONDS
  mkdir -p "$STATE"
  take_lock
  [ -x "$BIN/kubelet" ] || { log "Kubernetes binaries missing: run scripts/k8s/build.sh"; exit 1; }
  mkdir -p "$STATE"
  host_setup
  certs
  write_configs
  local P="$STATE/pki"
  spawn etcd "$ETCD" --name p2pool --data-dir "$STATE/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-cluster "p2pool=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --log-level warn
  spawn kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
    --tls-cert-file "$P/apiserver.crt" --tls-private-key-file "$P/apiserver.key" --client-ca-file "$P/ca.crt" \
    --kubelet-client-certificate "$P/apiserver-kubelet.crt" --kubelet-client-key "$P/apiserver-kubelet.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local --service-account-key-file "$P/sa.pub" \
    --service-account-signing-key-file "$P/sa.key" --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --profiling=false \
    --kubelet-preferred-address-types InternalIP
  wait_for "the API server" 90 "$KUBECTL" --kubeconfig "$P/admin.kubeconfig" get --raw /readyz
  spawn kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$P/kcm.kubeconfig" \
    --authentication-kubeconfig "$P/kcm.kubeconfig" --authorization-kubeconfig "$P/kcm.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 10257 --service-account-private-key-file "$P/sa.key" \
    --root-ca-file "$P/ca.crt" --use-service-account-credentials --allocate-node-cidrs --cluster-cidr "$CLUSTER_CIDR" \
    --node-cidr-mask-size 24 --service-cluster-ip-range "$SERVICE_CIDR" --controllers '*,-cloud-node-lifecycle' --profiling=false
  spawn kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$P/scheduler.kubeconfig" \
    --authentication-kubeconfig "$P/scheduler.kubeconfig" --authorization-kubeconfig "$P/scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 10259 --profiling=false
  spawn containerd containerd --config "$STATE/containerd/config.toml"
  wait_for containerd 30 ctr -a "$SOCK" version
  import "$(pause_image)" localhost/pause:p2pool
  spawn kubelet "$BIN/kubelet" --config "$STATE/kubelet/config.yaml" --kubeconfig "$P/kubelet.kubeconfig" \
    --root-dir "$STATE/kubelet/root" --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" --v=1
  spawn kube-proxy "$BIN/kube-proxy" --config "$STATE/kube-proxy.yaml"
  local K=("$KUBECTL" --kubeconfig "$P/admin.kubeconfig")
  wait_for "node $NODE_NAME Ready" 120 bash -c "'${K[0]}' --kubeconfig '$P/admin.kubeconfig' get node '$NODE_NAME' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
  wait_for "the default ServiceAccount" 60 "${K[@]}" get serviceaccount default -n default
  cat >"$STATE/env" <<ENV
export KUBECONFIG=$P/admin.kubeconfig
export K8S_NODE_IP=$NODE_IP
export K8S_NODE_NAME=$NODE_NAME
export K8S_STATE=$STATE
export K8S_POD_CIDR=$CLUSTER_CIDR
export KUBECTL=$KUBECTL
export HELM=$(bash scripts/k8s/tools.sh helm)
ENV
  log "up in $((SECONDS - t0)) s: node $NODE_NAME at $NODE_IP; source $STATE/env"
}

import() { # tar ref
  local tar=$1 ref=$2
  ctr -a "$SOCK" -n k8s.io images import --no-unpack=false --base-name "${ref%:*}" "$tar" >/dev/null
  # The OCI index names the tag; make sure REF exists whatever the importer derived.
  ctr -a "$SOCK" -n k8s.io images ls -q | grep -x "$ref" >/dev/null || {
    local got; got=$(ctr -a "$SOCK" -n k8s.io images ls -q | grep "^${ref%:*}" | head -1)
    [ -n "$got" ] && ctr -a "$SOCK" -n k8s.io images tag "$got" "$ref" >/dev/null
  }
  ctr -a "$SOCK" -n k8s.io images ls -q | grep -x "$ref" >/dev/null || { log "image $ref not imported from $tar"; return 1; }
}

stop_pid() { # name [timeout]
  local f="$STATE/pids/$1" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((${2:-10} * 4))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

restore_rules() { # iptables|ip6tables: back to the saved rules (flush what was added, then restore)
  local cmd=$1 t
  [ -f "$STATE/host/$cmd" ] || return 0
  for t in $("$cmd-save" 2>/dev/null | sed -n 's/^\*//p'); do "$cmd" -t "$t" -F; "$cmd" -t "$t" -X; done
  "$cmd-restore" <"$STATE/host/$cmd"
}

stop() {
  local t0=$SECONDS
  [ -d "$STATE" ] || return 0
  # Best effort from here on: every step runs even when an earlier one finds nothing to undo.
  set +e +o pipefail
  # Pods first, through the CRI (CNI DEL releases their addresses and rules), while containerd runs.
  stop_pid kubelet 10
  if [ -S "$SOCK" ] && [ -x "$CRICTL" ]; then
    local C=("$CRICTL" --runtime-endpoint "unix://$SOCK" --timeout 20s)
    "${C[@]}" stopp $("${C[@]}" pods -q 2>/dev/null) >/dev/null 2>&1 || true
    "${C[@]}" rmp -f $("${C[@]}" pods -q 2>/dev/null) >/dev/null 2>&1 || true
  fi
  stop_pid kube-proxy 5
  [ -x "$BIN/kube-proxy" ] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  for p in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_pid "$p" 10; done
  stop_pid containerd 15
  # containerd-shim processes of this containerd (their -address is our socket).
  for pid in $(pgrep -f "containerd-shim.*$SOCK" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  # Mounts under the state dir (kubelet volumes, container rootfs, shm), deepest first.
  grep -o " $STATE[^ ]*" /proc/self/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # Netns mounts left by the CRI.
  grep -o ' /run/netns/cni-[^ ]*' /proc/self/mounts 2>/dev/null | while read -r m; do umount -l "$m" 2>/dev/null; rm -f "$m"; done
  # Pod cgroups (kubelet's kubepods hierarchy), leaves first.
  for h in /sys/fs/cgroup/*/; do
    [ -d "${h}kubepods" ] && find "${h}kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  ip link show cni0 >/dev/null 2>&1 && ip link delete cni0 2>/dev/null || true
  ip link show "$IFACE" >/dev/null 2>&1 && ip link delete "$IFACE" 2>/dev/null || true
  if [ -f "$STATE/host/saved" ]; then
    cat "$STATE/host/ip_forward" >/proc/sys/net/ipv4/ip_forward
    [ -s "$STATE/host/bridge-nf-call-iptables" ] && cat "$STATE/host/bridge-nf-call-iptables" >/proc/sys/net/bridge/bridge-nf-call-iptables
    restore_rules iptables; restore_rules ip6tables
  fi
  rm -rf "$STATE/host" "$STATE/kubelet/root" "$STATE/containerd/state" "$STATE/env"
  [ "${K8S_KEEP_STATE:-0}" = 1 ] || rm -rf "$STATE"
  drop_lock
  log "stopped in $((SECONDS - t0)) s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  import) import "$2" "$3" ;;
  *) echo "usage: cluster.sh start|stop|import IMAGE.tar REF" >&2; exit 2 ;;
esac
