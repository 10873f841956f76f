#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, for the e2e suite and for trying the operator:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, a kubelet with containerd + runc, bridge
# CNI, kube-proxy (iptables) and CoreDNS, all inside a network namespace and a mount namespace of their own,
# so no traffic leaves the machine and nothing outside those namespaces changes.
#
#   scripts/cluster.sh up          build what is missing (cached), start the cluster, load the images
#   scripts/cluster.sh down        stop everything and remove the cluster's state
#   scripts/cluster.sh status      what runs, and the nodes and pods
#   scripts/cluster.sh exec -- CMD run CMD where the cluster's kubeconfig works (KUBECONFIG set, kubectl and
#                                  helm on the PATH), e.g. `scripts/cluster.sh exec -- kubectl get pods -A`
#   scripts/cluster.sh images      rebuild the images from the current release build and load them
#   scripts/cluster.sh demo        up, then `helm install` of the chart and the minimal example RedisHA,
#                                  and how to watch a failover
#
# `up` is idempotent (a running cluster is left as it is, its images refreshed) and tears down what it
# started when it fails or is interrupted. Needs root, Linux namespaces and cgroups (v1 or v2), the Go
# toolchain for the first build, and Debian's containerd, runc, containernetworking-plugins, iptables,
# debootstrap and umoci (scripts/test.sh installs them).
#
# Settings: REDIS_HA_CACHE (builds and root file systems, default ~/.cache/redis-ha),
# REDIS_HA_CLUSTER_DIR (state, default /var/lib/redis-ha-cluster), REDIS_HA_CLUSTER_VOLUMES (local
# PersistentVolumes to create, default 48).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

NETNS=redis-ha-cluster
RUN=/run/redis-ha-cluster
STATE="${REDIS_HA_CLUSTER_DIR:-/var/lib/redis-ha-cluster}"
NODE_NAME=rha-node-0
# The namespace's own addresses: the node on a veth pair that never leaves the namespace, pods on the
# bridge, Services virtual. There is no route out of the namespace.
NODE_IP=10.250.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
CLUSTER_DOMAIN=cluster.local
CGROUP_ROOT=/redis-ha-cluster
VOLUMES="${REDIS_HA_CLUSTER_VOLUMES:-48}"
PKI="$STATE/pki"
LOGS="$STATE/logs"

say() { printf '== cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

in_ns() { nsenter --net="/run/netns/$NETNS" --mount="$RUN/mnt" --wd="$PWD" -- "$@"; }
# Up: the namespaces exist and the daemons that everything else needs still run (a machine whose
# processes were all killed keeps the namespaces and state: that is a stale cluster, cleared by `up`).
is_up() {
  [ -e "/run/netns/$NETNS" ] && [ -e "$RUN/mnt" ] && mountpoint -q "$RUN/mnt" 2>/dev/null && [ -f "$STATE/bin-dir" ] \
    && alive etcd && alive kube-apiserver && alive containerd && alive kubelet
}
bin_dir() { cat "$STATE/bin-dir"; }
tools_path() { echo "$(bin_dir):$root/.tools/bin:$PATH"; }
kubectl_ns() { in_ns env KUBECONFIG="$STATE/admin.kubeconfig" "$(bin_dir)/kubectl" "$@"; }

# --- preflight ----------------------------------------------------------------------------------------------
preflight() {
  [ "$(id -u)" -eq 0 ] || die "needs root (namespaces, mounts, cgroups, containerd)"
  local missing=() c
  for c in ip nsenter unshare mountpoint iptables openssl containerd containerd-shim-runc-v2 runc ctr python3; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] && [ -x /usr/lib/cni/loopback ] || missing+=("CNI plugins in /usr/lib/cni")
  [ "${#missing[@]}" -eq 0 ] || die "missing: ${missing[*]} (Debian: apt-get install iproute2 util-linux iptables openssl containerd runc containernetworking-plugins)"
  if [ ! -d /sys/fs/cgroup/memory ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    die "no cgroup hierarchy with the memory controller under /sys/fs/cgroup"
  fi
  ip netns add "$NETNS-probe" 2>/dev/null && ip netns del "$NETNS-probe" || die "cannot create a network namespace (ip netns add)"
}

# --- certificates and kubeconfigs ---------------------------------------------------------------------------
# cert NAME CN ORG SANS: NAME.key (P-256) and NAME.crt signed by the cluster CA, client and server auth.
cert() {
  local name=$1 cn=$2 org=$3 sans=$4 subj
  subj="/CN=$cn"; [ -z "$org" ] || subj="/O=$org$subj"
  openssl ecparam -genkey -name prime256v1 -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -z "$sans" ] || echo "subjectAltName=$sans"
  } > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 3650 \
    -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

# kubeconfig NAME: NAME.kubeconfig with NAME's client certificate, everything embedded.
kubeconfig() {
  local name=$1
  cat > "$STATE/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: redis-ha-cluster
  cluster:
    server: https://$NODE_IP:6443
    certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 < "$PKI/$name.crt")
    client-key-data: $(base64 -w0 < "$PKI/$name.key")
contexts:
- name: redis-ha-cluster
  context: {cluster: redis-ha-cluster, user: $name}
current-context: redis-ha-cluster
EOF
}

make_pki() {
  mkdir -p "$PKI"
  openssl ecparam -genkey -name prime256v1 -noout -out "$PKI/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=redis-ha-cluster-ca" -days 3650 -out "$PKI/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  cert apiserver kube-apiserver "" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,IP:$API_SERVICE_IP,IP:$NODE_IP,IP:127.0.0.1"
  cert apiserver-kubelet-client kube-apiserver-kubelet-client "" ""
  cert admin redis-ha-cluster-admin system:masters ""
  cert controller-manager system:kube-controller-manager "" ""
  cert scheduler system:kube-scheduler "" ""
  cert kube-proxy system:kube-proxy "" ""
  cert kubelet "system:node:$NODE_NAME" system:nodes "DNS:$NODE_NAME,IP:$NODE_IP"
  cert coredns system:coredns "" ""
  openssl ecparam -genkey -name prime256v1 -noout -out "$PKI/sa.key" 2>/dev/null
  openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  local k; for k in admin controller-manager scheduler kube-proxy kubelet coredns; do kubeconfig "$k"; done
}

# --- namespaces ---------------------------------------------------------------------------------------------
make_namespaces() {
  mkdir -p "$RUN"
  # The mount namespace is kept alive by a bind mount of its nsfs file, which must sit on a private mount.
  mountpoint -q "$RUN" || mount --bind "$RUN" "$RUN"
  mount --make-private "$RUN"
  touch "$RUN/mnt"
  unshare --mount="$RUN/mnt" --propagation private true
  ip netns add "$NETNS"
  # Inside: shared propagation for the kubelet's and containerd's mounts (they stay in this namespace), and
  # private scratch file systems over the few host paths the components write to by fixed names.
  in_ns mount --make-rshared /
  local d
  for d in /run/netns /run/containerd /var/lib/cni /var/log; do
    if [ ! -d "$d" ]; then mkdir -p "$d"; echo "$d" >> "$STATE/created-dirs"; fi
    in_ns mount -t tmpfs -o mode=0755 tmpfs "$d"
  done
  # The kubelet insists on a few kernel-wide sysctl values (and would write them). It sees files with the
  # values it wants instead; the machine's own settings are untouched.
  mkdir -p "$STATE/sysctl"
  local kv key val
  for kv in vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
            kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
    key=${kv%=*} val=${kv#*=}
    echo "$val" > "$STATE/sysctl/${key//\//.}"
    in_ns mount --bind "$STATE/sysctl/${key//\//.}" "/proc/sys/$key"
  done
  # Network: loopback, and the node's address on one end of a veth pair whose other end stays here too.
  in_ns ip link set lo up
  in_ns ip link add rha0 type veth peer name rha1
  in_ns ip addr add "$NODE_IP/24" dev rha0
  in_ns ip link set rha0 up
  in_ns ip link set rha1 up
  # Components look for a default route to pick their address; it leads to the veth's idle end.
  in_ns ip route add default via "${NODE_IP%.*}.254" dev rha0 onlink
  in_ns sysctl -q -w net.ipv4.ip_forward=1
  in_ns sh -c 'echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables' 2>/dev/null \
    || say "note: bridge-nf-call-iptables is not settable here; Services reached from a pod on the same bridge may not hairpin"
}

make_cgroups() {
  local h
  for h in /sys/fs/cgroup/*/; do
    case "$h" in */unified/) continue ;; esac
    [ -f "$h/cgroup.procs" ] || continue
    mkdir -p "$h${CGROUP_ROOT#/}"
  done
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then mkdir -p "/sys/fs/cgroup${CGROUP_ROOT}"; fi
}

# --- daemons ------------------------------------------------------------------------------------------------
start() {  # start NAME CMD...: CMD in the namespaces, in its own session, log in $LOGS/NAME.log
  local name=$1; shift
  # nsenter and setsid exec (neither forks here), so $! is the daemon's own pid.
  nsenter --net="/run/netns/$NETNS" --mount="$RUN/mnt" -- setsid "$@" >> "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/pids/$name"
}

wait_for() {  # wait_for WHAT SECONDS CMD...: until CMD succeeds
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  say "timed out after ${secs}s waiting for $what"
  return 1
}

alive() { local p; p=$(cat "$STATE/pids/$1" 2>/dev/null) && kill -0 "$p" 2>/dev/null; }

check_alive() {  # every daemon still running, or its log's tail and a failure
  local f name
  for f in "$STATE"/pids/*; do
    name=$(basename "$f")
    if ! alive "$name"; then
      say "$name exited; the end of $LOGS/$name.log:"
      tail -n 30 "$LOGS/$name.log" >&2 || true
      return 1
    fi
  done
}

write_configs() {
  mkdir -p "$STATE/containerd" "$STATE/cni/net.d" "$STATE/cni/ipam" "$STATE/kubelet" "$STATE/volumes"
  cat > "$STATE/containerd.toml" <<EOF
version = 2
root = "$STATE/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  # Where root lacks CAP_SYS_RESOURCE (this workplace's machines), a negative oom_score_adj cannot be set:
  # clamp the sandbox's -998 and Guaranteed pods' -997 to the current value instead of failing every pod.
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
EOF
  cat > "$STATE/cni/net.d/10-redis-ha.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "redis-ha-cluster",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$STATE/cni/ipam"
      }
    }
  ]
}
EOF
  : > "$STATE/resolv.conf"
  cat > "$STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine's kernel mounts cgroup v1; the kubelet refuses it unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
clusterDomain: $CLUSTER_DOMAIN
clusterDNS: [$NODE_IP]
resolvConf: $STATE/resolv.conf
failSwapOn: false
# Images cannot be pulled again (there is no registry): never collect them; and evict only when truly short.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
serializeImagePulls: false
maxPods: 110
hairpinMode: hairpin-veth
EOF
  cat > "$STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
clientConnection: {kubeconfig: $STATE/kube-proxy.kubeconfig}
bindAddress: $NODE_IP
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
# Zero leaves the kernel's conntrack settings alone (some are machine-wide).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  cat > "$STATE/Corefile" <<EOF
.:53 {
    bind $NODE_IP
    errors
    health 127.0.0.1:8080
    ready 127.0.0.1:8181
    kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
        kubeconfig $STATE/coredns.kubeconfig redis-ha-cluster
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
}
EOF
}

# Objects the cluster needs beyond Kubernetes' own defaults: RBAC for the API server's calls to the
# kubelet and for CoreDNS, the default StorageClass and its local volumes.
bootstrap_objects() {
  local i
  {
    cat <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: redis-ha-cluster:apiserver-kubelet}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: kube-apiserver-kubelet-client}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: redis-ha-cluster:coredns}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: redis-ha-cluster:coredns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: redis-ha-cluster:coredns}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: system:coredns}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
EOF
    for ((i = 0; i < VOLUMES; i++)); do
      mkdir -p "$STATE/volumes/pv-$i"
      cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-pv-$i
  labels: {redis-ha-cluster/volume: local}
spec:
  capacity: {storage: 20Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  volumeMode: Filesystem
  local: {path: $STATE/volumes/pv-$i}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [$NODE_NAME]}]
EOF
    done
  } > "$STATE/bootstrap.yaml"
  kubectl_ns apply --server-side -f "$STATE/bootstrap.yaml" >/dev/null
}

# Released local volumes are wiped and made Available again (what a local-volume provisioner does), so
# tests that delete their claims do not run the pool dry.
start_recycler() {
  cat > "$STATE/recycle.sh" <<EOF
#!/bin/sh
export KUBECONFIG=$STATE/admin.kubeconfig
while sleep 3; do
  $(bin_dir)/kubectl get pv -l redis-ha-cluster/volume=local \
    -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{" "}{.spec.local.path}{"\n"}{end}' 2>/dev/null |
  while read -r name path; do
    [ -n "\$name" ] || continue
    case "\$path" in $STATE/volumes/pv-*) find "\$path" -mindepth 1 -delete ;; *) continue ;; esac
    $(bin_dir)/kubectl patch pv "\$name" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null 2>&1
  done
done
EOF
  chmod +x "$STATE/recycle.sh"
  start volume-recycler "$STATE/recycle.sh"
}

load_images() {
  local dir=$1 f
  for f in "$dir"/*.tar; do
    in_ns ctr --address /run/containerd/containerd.sock -n k8s.io images import --no-unpack=false "$f" >/dev/null \
      || { say "importing $f into containerd failed"; return 1; }
  done
  in_ns ctr --address /run/containerd/containerd.sock -n k8s.io images ls -q | sed 's/^/   image: /' >&2
}

# A failed or interrupted `up` keeps the components' logs, then removes everything else.
failed_up() {
  trap - ERR INT TERM
  local keep="${TMPDIR:-/tmp}/redis-ha-cluster-logs.$(date +%Y%m%d-%H%M%S)"
  if [ -d "$LOGS" ]; then cp -r "$LOGS" "$keep" && say "failed or interrupted; the logs are in $keep"; fi
  say "tearing down"
  down quiet
  exit 1
}

up() {
  preflight
  if is_up; then
    say "already up ($STATE); refreshing the images"
    load_images "$("$here/cluster/images.sh" "$(bin_dir)")"
    print_usage
    return 0
  fi
  # A half-made cluster from an interrupted run goes first.
  if [ -e "/run/netns/$NETNS" ] || [ -e "$RUN/mnt" ] || [ -d "$STATE" ]; then down quiet; fi

  local started=$SECONDS bin images
  bin=$("$here/cluster/build.sh")
  images=$("$here/cluster/images.sh" "$bin")
  say "programs and images ready after $((SECONDS - started)) s"

  trap 'failed_up' ERR INT TERM
  mkdir -p "$STATE/pids" "$LOGS"
  echo "$bin" > "$STATE/bin-dir"
  make_pki
  write_configs
  make_namespaces
  make_cgroups

  say "starting etcd"
  start etcd "$bin/etcd" --name rha --data-dir "$STATE/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster rha=http://127.0.0.1:2380 \
    --unsafe-no-fsync --log-level warn
  wait_for etcd 30 in_ns "$bin/etcdctl" --endpoints http://127.0.0.1:2379 endpoint health || { check_alive; false; }

  say "starting kube-apiserver"
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address="$NODE_IP" --bind-address=0.0.0.0 --secure-port=6443 \
    --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
    --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --profiling=false --v=1
  wait_for kube-apiserver 90 kubectl_ns get --raw /readyz || { check_alive; false; }

  say "starting kube-controller-manager, kube-scheduler, containerd"
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" --v=1
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig="$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/scheduler.kubeconfig" --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --v=1
  start containerd containerd --config "$STATE/containerd.toml"
  wait_for containerd 30 in_ns ctr --address /run/containerd/containerd.sock version || { check_alive; false; }

  say "loading the images into containerd"
  load_images "$images"
  bootstrap_objects

  say "starting the kubelet, kube-proxy and CoreDNS"
  start kubelet "$bin/kubelet" --config="$STATE/kubelet.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --root-dir="$STATE/kubelet" --v=1
  start kube-proxy "$bin/kube-proxy" --config="$STATE/kube-proxy.yaml" --v=1
  start coredns "$bin/coredns" -conf "$STATE/Corefile"
  wait_for "node $NODE_NAME Ready" 120 kubectl_ns wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s \
    || { check_alive; kubectl_ns describe node >&2 || true; false; }
  wait_for "CoreDNS ready" 60 in_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/8181 && printf "GET /ready HTTP/1.0\r\n\r\n" >&3 && grep -q "200 OK" <&3' \
    || { check_alive; false; }
  start_recycler
  check_alive
  trap - ERR INT TERM
  say "up in $((SECONDS - started)) s"
  print_usage
}

print_usage() {
  cat >&2 <<EOF
   kubeconfig: $STATE/admin.kubeconfig (API server https://$NODE_IP:6443, reachable inside the cluster's
               network namespace only)
   use it:     scripts/cluster.sh exec -- kubectl get pods -A
               scripts/cluster.sh exec -- bash        (a shell with KUBECONFIG set, kubectl and helm on the PATH)
   stop it:    scripts/cluster.sh down
EOF
}

status() {
  if ! is_up; then echo "cluster: down"; return 3; fi
  local f name state
  echo "cluster: up ($STATE)"
  for f in "$STATE"/pids/*; do
    name=$(basename "$f")
    if alive "$name"; then state="running (pid $(cat "$f"))"; else state="NOT RUNNING (log: $LOGS/$name.log)"; fi
    printf '  %-24s %s\n' "$name" "$state"
  done
  kubectl_ns get nodes -o wide || true
  kubectl_ns get pods -A -o wide || true
}

run_exec() {
  is_up || die "the cluster is not up (scripts/cluster.sh up)"
  [ "${1:-}" = "--" ] && shift
  [ "$#" -gt 0 ] || die "usage: scripts/cluster.sh exec -- CMD [ARGS...]"
  local path; path=$(tools_path)
  in_ns env KUBECONFIG="$STATE/admin.kubeconfig" PATH="$path" REDIS_HA_CLUSTER=1 "$@"
}

# Every process in the cluster's namespaces and cgroups, killed until none is left.
kill_all() {
  local pids i h
  for ((i = 0; i < 20; i++)); do
    pids=""
    [ -e "/run/netns/$NETNS" ] && pids="$(ip netns pids "$NETNS" 2>/dev/null || true)"
    for h in /sys/fs/cgroup/*"$CGROUP_ROOT" /sys/fs/cgroup"$CGROUP_ROOT"; do
      [ -d "$h" ] || continue
      pids="$pids $(find "$h" -name cgroup.procs -exec cat {} + 2>/dev/null || true)"
    done
    if [ -d "$STATE/pids" ]; then pids="$pids $(cat "$STATE"/pids/* 2>/dev/null || true)"; fi
    pids=$(echo "$pids" | tr ' ' '\n' | grep -E '^[0-9]+$' | sort -u | while read -r p; do kill -0 "$p" 2>/dev/null && echo "$p"; done || true)
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086
    if [ "$i" -eq 0 ]; then kill -TERM $pids 2>/dev/null || true; sleep 1; else kill -KILL $pids 2>/dev/null || true; sleep 0.5; fi
  done
  say "some processes would not die: $pids"
}

down() {
  local quiet=${1:-}
  [ "$(id -u)" -eq 0 ] || die "needs root"
  [ -n "$quiet" ] || say "stopping"
  kill_all
  local h d
  # Cgroups, deepest first.
  for h in /sys/fs/cgroup/*"$CGROUP_ROOT" /sys/fs/cgroup"$CGROUP_ROOT"; do
    [ -d "$h" ] && find "$h" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  # The mount namespace goes with its last process and its bind mount; its mounts were never seen outside.
  if mountpoint -q "$RUN/mnt" 2>/dev/null; then umount "$RUN/mnt" || umount -l "$RUN/mnt"; fi
  [ -e "/run/netns/$NETNS" ] && ip netns del "$NETNS" 2>/dev/null || true
  rm -f "$RUN/mnt"
  if mountpoint -q "$RUN" 2>/dev/null; then umount "$RUN" 2>/dev/null || umount -l "$RUN"; fi
  rmdir "$RUN" 2>/dev/null || true
  if [ -f "$STATE/created-dirs" ]; then
    while read -r d; do rmdir "$d" 2>/dev/null || true; done < "$STATE/created-dirs"
  fi
  rm -rf "$STATE"
  [ -n "$quiet" ] || say "down"
}

# Try it: the cluster, the chart with default values, a RedisHA, and what to type next.
demo() {
  up
  say "helm install redis-ha-operator (chart defaults)"
  "$root/scripts/install-k8s-tools.sh" >/dev/null
  run_exec helm upgrade --install redis-ha-operator "$root/charts/redis-ha-operator" \
    --namespace redis-ha-system --create-namespace --wait --timeout 5m >/dev/null
  say "kubectl apply -f manifests/examples/minimal.yaml"
  run_exec kubectl apply -f "$root/manifests/examples/minimal.yaml"
  run_exec kubectl wait --for=jsonpath='{.status.phase}'=Ready rha/cache --timeout=300s
  run_exec kubectl get rha,pods -o wide
  local version; version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
  cat >&2 <<EOF

   A RedisHA "cache" runs: 3 data pods, 3 sentinels, the cache-master Service. In a shell on the cluster
   (scripts/cluster.sh exec -- bash):

     kubectl get events -w --field-selector involvedObject.kind=RedisHA &   # MasterSwitched as it happens
     kubectl run cli --rm -it --restart=Never --image=ghcr.io/redis-ha/redis-ha-node:$version -- redis-cli -h cache-master
     kubectl delete pod "\$(kubectl get rha cache -o jsonpath='{.status.master.pod}')"
     kubectl get rha cache -w                                                 # MASTER and FAILOVERS change

   scripts/cluster.sh down removes everything.
EOF
}

case "${1:-}" in
  up) up ;;
  demo) demo ;;
  down) down ;;
  status) status ;;
  exec) shift; run_exec "$@" ;;
  images)
    is_up || die "the cluster is not up (scripts/cluster.sh up)"
    load_images "$("$here/cluster/images.sh" "$(bin_dir)")" ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
