#!/usr/bin/env bash
# Builds the test cluster's container images without Docker or a registry, as OCI archives that
# `ctr images import` loads, and prints the directory that holds them. Each archive's name is the image's
# reference, which is what the chart, the operator and the examples use by default:
#
#   ghcr.io/redis-ha/redis-ha-node:<version>      node/Dockerfile's image: Debian bookworm (minbase) with
#                                                 redis-tools, user redis 999, redis-ha-node and its
#                                                 redis-server / redis-sentinel links
#   ghcr.io/redis-ha/redis-ha-operator:<version>  operator/Dockerfile's image: glibc and libgcc from
#                                                 Debian's packages, no shell, user 65532 (distroless' nonroot)
#   redis-ha-e2e-client:e2e                       e2e/client: python3 with Debian's python3-redis
#   registry.k8s.io/pause:3.10                    the pod sandbox (scripts/cluster/images/pause.c)
#
# Root file systems come from Debian's packages (debootstrap, apt-get download) and are cached in
# REDIS_HA_CACHE keyed by their package lists; the binaries come from this repository's release build
# (target/release, built first if missing) and scripts/cluster/build.sh. The layers are assembled with umoci.
#
#   scripts/cluster/images.sh BIN_DIR     BIN_DIR is what scripts/cluster/build.sh printed (for pause)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin_dir="${1:?usage: images.sh BIN_DIR}"

CACHE="${REDIS_HA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-ha}"
SUITE=bookworm
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
REGISTRY="${REGISTRY:-ghcr.io/redis-ha}"
TAG="${TAG:-$VERSION}"
NODE_IMAGE="$REGISTRY/redis-ha-node:$TAG"
OPERATOR_IMAGE="$REGISTRY/redis-ha-operator:$TAG"
# Short names are docker.io/library/... to the CRI, so the archive carries the full name.
CLIENT_IMAGE="docker.io/library/redis-ha-e2e-client:e2e"
PAUSE_IMAGE="registry.k8s.io/pause:3.10"
OUT="$CACHE/images"

say() { echo "cluster/images.sh: $*" >&2; }
need() { command -v "$1" >/dev/null || { say "$1 is needed (apt-get install $2)"; exit 2; }; }
need debootstrap debootstrap
need umoci umoci

# The Debian mirror this machine's apt uses, so debootstrap fetches from the same place apt does.
mirror() {
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || { say "no Debian mirror found in /etc/apt/sources.list{,.d/debian.sources}"; exit 2; }
  echo "$m"
}

# A minbase Debian root file system with extra packages, cached by suite and package list.
debian_rootfs() {
  local name=$1 packages=$2 key dir
  key=$(printf '%s %s' "$SUITE" "$packages" | sha256sum | cut -c1-12)
  dir="$CACHE/rootfs/$name-$SUITE-$key"
  if [ ! -f "$dir/.complete" ]; then
    say "debootstrap $SUITE ($name: $packages)"
    rm -rf "$dir" "$dir.tmp"
    debootstrap --variant=minbase --include="$packages" "$SUITE" "$dir.tmp" "$(mirror)" >"$CACHE/rootfs/$name.log" 2>&1 \
      || { tail -n 20 "$CACHE/rootfs/$name.log" >&2; say "debootstrap failed (log: $CACHE/rootfs/$name.log)"; exit 1; }
    # What debian:bookworm-slim leaves out too: package caches, docs, man pages, locales.
    rm -rf "$dir.tmp"/var/cache/apt/archives/*.deb "$dir.tmp"/var/lib/apt/lists/* "$dir.tmp"/usr/share/doc \
      "$dir.tmp"/usr/share/man "$dir.tmp"/usr/share/info "$dir.tmp"/usr/share/locale "$dir.tmp"/var/log/*.log
    mv "$dir.tmp" "$dir"
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# distroless' cc image, from the same Debian packages: glibc, libgcc, base files, no shell.
distroless_rootfs() {
  local packages="base-files netbase tzdata libc6 libgcc-s1" key dir deb
  key=$(printf '%s %s' "$SUITE" "$packages" | sha256sum | cut -c1-12)
  dir="$CACHE/rootfs/distroless-$SUITE-$key"
  if [ ! -f "$dir/.complete" ]; then
    say "assembling the distroless root file system ($packages)"
    rm -rf "$dir" "$dir.tmp" "$dir.debs"
    mkdir -p "$dir.tmp" "$dir.debs"
    # apt-get download fetches the host's (bookworm) versions (as root: _apt cannot write the cache).
    (cd "$dir.debs" && apt-get download -q -o APT::Sandbox::User=root $packages >/dev/null) || { say "apt-get download $packages failed"; exit 1; }
    for deb in "$dir.debs"/*.deb; do dpkg-deb -x "$deb" "$dir.tmp"; done
    rm -rf "$dir.debs" "$dir.tmp"/usr/share/doc "$dir.tmp"/usr/share/man "$dir.tmp"/usr/share/lintian
    # /bin, /lib and /lib64 are links into /usr in bookworm (usrmerge); the dynamic loader is found there.
    for d in bin lib lib64 sbin; do [ -e "$dir.tmp/$d" ] || ln -s "usr/$d" "$dir.tmp/$d"; done
    mkdir -p "$dir.tmp/tmp" "$dir.tmp/home/nonroot" "$dir.tmp/etc"
    chmod 1777 "$dir.tmp/tmp"
    chown 65532:65532 "$dir.tmp/home/nonroot"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$dir.tmp/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$dir.tmp/etc/group"
    mv "$dir.tmp" "$dir"
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# new_image LAYOUT NAME: an empty image in a fresh OCI layout.
new_image() {
  rm -rf "$1"
  umoci init --layout "$1" >/dev/null
  umoci new --image "$1:$(basename "$2" | sed 's/.*://')"
}

# finish LAYOUT REF: names the image for containerd (io.containerd.image.name), drops unreferenced
# blobs and writes REF's archive into $OUT.
finish() {
  local layout=$1 ref=$2 tag file
  tag=${ref##*:}
  umoci gc --layout "$layout"
  python3 - "$layout/index.json" "$ref" "$tag" <<'PY'
import json, sys
path, ref, tag = sys.argv[1:]
index = json.load(open(path))
for m in index["manifests"]:
    m.setdefault("annotations", {})
    m["annotations"]["io.containerd.image.name"] = ref
    m["annotations"]["org.opencontainers.image.ref.name"] = tag
    m["platform"] = {"architecture": "amd64", "os": "linux"}
json.dump(index, open(path, "w"))
PY
  file="$OUT/$(echo "$ref" | tr '/:' '__').tar"
  tar -C "$layout" -cf "$file.tmp" .
  mv "$file.tmp" "$file"
  say "built $ref"
}

insert_tree() {  # LAYOUT:TAG DIR: DIR's contents as one layer at /
  umoci insert --image "$1" "$2" /
}

mkdir -p "$OUT" "$CACHE/rootfs"
# Only this run's archives: cluster.sh loads every archive here.
rm -f "$OUT"/*.tar
work=$(mktemp -d "$CACHE/images/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -x "$root/target/release/redis-ha-node" ] || [ ! -x "$root/target/release/redis-ha-operator" ]; then
  say "building the release binaries"
  (cd "$root" && cargo build --release -p redis-ha-node -p redis-ha-operator --bin redis-ha-node --bin redis-ha-operator)
fi

label_args() {  # OCI labels as node/Dockerfile and operator/Dockerfile set them
  echo --config.label "org.opencontainers.image.title=$1" --config.label "org.opencontainers.image.version=$VERSION" \
    --config.label "org.opencontainers.image.revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --config.label "org.opencontainers.image.licenses=Apache-2.0"
}

# --- node image ------------------------------------------------------------------------------------------
base=$(debian_rootfs node "redis-tools")
# The user the operator's pods run as (UID/GID 999); minbase's redis-tools already created `redis`, but
# with whatever ids were free, so the layer below fixes the ids the way node/Dockerfile does.
extra="$work/node-extra"
mkdir -p "$extra/usr/local/bin" "$extra/etc" "$extra/data" "$extra/run/redis-ha" "$extra/etc/redis-ha"
sed -E 's/^redis:x:[0-9]+:[0-9]+:/redis:x:999:999:/' "$base/etc/passwd" > "$extra/etc/passwd"
sed -E 's/^redis:x:[0-9]+:/redis:x:999:/' "$base/etc/group" > "$extra/etc/group"
grep -q '^redis:x:999:999:' "$extra/etc/passwd" || echo 'redis:x:999:999::/data:/usr/sbin/nologin' >> "$extra/etc/passwd"
grep -q '^redis:x:999:' "$extra/etc/group" || echo 'redis:x:999:' >> "$extra/etc/group"
install -m 0755 "$root/target/release/redis-ha-node" "$extra/usr/local/bin/redis-ha-node"
strip --strip-debug "$extra/usr/local/bin/redis-ha-node"
ln -s redis-ha-node "$extra/usr/local/bin/redis-server"
ln -s redis-ha-node "$extra/usr/local/bin/redis-sentinel"
chown 999:999 "$extra/data" "$extra/run/redis-ha"
L="$work/node"
new_image "$L" "$NODE_IMAGE"
insert_tree "$L:$TAG" "$base"
insert_tree "$L:$TAG" "$extra"
# shellcheck disable=SC2046
umoci config --image "$L:$TAG" --config.user 999:999 --config.workingdir /data --config.cmd redis-ha-node \
  --config.exposedports 6379/tcp --config.exposedports 26379/tcp \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin $(label_args redis-ha-node)
finish "$L" "$NODE_IMAGE"

# --- operator image --------------------------------------------------------------------------------------
base=$(distroless_rootfs)
extra="$work/operator-extra"
mkdir -p "$extra/usr/local/bin"
install -m 0755 "$root/target/release/redis-ha-operator" "$extra/usr/local/bin/redis-ha-operator"
strip --strip-debug "$extra/usr/local/bin/redis-ha-operator"
L="$work/operator"
new_image "$L" "$OPERATOR_IMAGE"
insert_tree "$L:$TAG" "$base"
insert_tree "$L:$TAG" "$extra"
# shellcheck disable=SC2046
umoci config --image "$L:$TAG" --config.user 65532:65532 --config.entrypoint /usr/local/bin/redis-ha-operator \
  --config.exposedports 8080/tcp --config.env PATH=/usr/local/bin:/usr/bin:/bin $(label_args redis-ha-operator)
finish "$L" "$OPERATOR_IMAGE"

# --- e2e client image ------------------------------------------------------------------------------------
base=$(debian_rootfs client "python3-minimal,python3-redis,redis-tools")
extra="$work/client-extra"
mkdir -p "$extra/app"
install -m 0644 "$root/e2e/client/sentinel_writer.py" "$extra/app/sentinel_writer.py"
L="$work/client"
new_image "$L" "$CLIENT_IMAGE"
insert_tree "$L:e2e" "$base"
insert_tree "$L:e2e" "$extra"
umoci config --image "$L:e2e" --config.user 65532:65532 --config.entrypoint python3 --config.entrypoint /app/sentinel_writer.py \
  --config.env PYTHONDONTWRITEBYTECODE=1 --config.env PYTHONUNBUFFERED=1 \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin
finish "$L" "$CLIENT_IMAGE"

# --- pause image -----------------------------------------------------------------------------------------
extra="$work/pause-extra"
mkdir -p "$extra"
install -m 0755 "$bin_dir/pause" "$extra/pause"
L="$work/pause"
new_image "$L" "$PAUSE_IMAGE"
insert_tree "$L:3.10" "$extra"
umoci config --image "$L:3.10" --config.user 65535:65535 --config.entrypoint /pause
finish "$L" "$PAUSE_IMAGE"

echo "$OUT"
