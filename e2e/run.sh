#!/usr/bin/env bash
# The end-to-end suite on a real cluster, the way users install and use the operator. Three installs, each
# followed by the tests that concern it (e2e/tests/suite, run with --ignored):
#
#   1. `helm install` (Helm v4) of charts/redis-ha-operator with two operator replicas: install checks,
#      invalid RedisHAs, every example, failovers (pod deleted, kill -9), rolls, the boot guard, scaling,
#      leader handoff, no RBAC refusal in the operator's logs, then uninstall as the README says;
#   2. `helm install` with Helm v3: install checks, a persistent RedisHA Ready, uninstall;
#   3. `kubectl apply --server-side -f manifests/install.yaml`: install checks, a persistent RedisHA
#      Ready, delete.
#
#   e2e/run.sh                    the whole suite on the local cluster (scripts/cluster.sh: brought up,
#                                 and down at the end unless it was already up or KEEP_CLUSTER=1)
#   e2e/run.sh failover::kill     phase 1 only, tests whose name contains the filter
#   E2E_CLUSTER=kind e2e/run.sh   on a kind cluster (needs Docker and kind; images built with docker)
#   E2E_CLUSTER=current ...       on the current kubeconfig's cluster; the images must already be there
#                                 (ghcr.io/redis-ha/redis-ha-node:<version> and :<version>-next, the
#                                 operator image, redis-ha-e2e-client:e2e)
#
# Settings: KEEP_CLUSTER=1, E2E_KEEP_NAMESPACES=1 (failed tests always keep theirs), KIND_CLUSTER,
# KIND_NODE_IMAGE. Helm v4/v3 and kubectl come from PATH or are installed into .tools (Linux x86-64).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${E2E_CLUSTER:-local}"
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
REGISTRY=ghcr.io/redis-ha
NODE_IMAGE="$REGISTRY/redis-ha-node:$VERSION"
OPERATOR_IMAGE="$REGISTRY/redis-ha-operator:$VERSION"
CLIENT_IMAGE="redis-ha-e2e-client:e2e"
NAMESPACE="redis-ha-system"
export E2E_NODE_IMAGE="$NODE_IMAGE" E2E_NODE_IMAGE_NEXT="$NODE_IMAGE-next" E2E_CLIENT_IMAGE="$CLIENT_IMAGE"
export E2E_OPERATOR_NAMESPACE="$NAMESPACE" RUST_BACKTRACE=0 RUST_LIB_BACKTRACE=0

say() { printf '\n== e2e: %s\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "e2e/run.sh: $1 is needed ($2)" >&2; exit 2; }; }

# The test binary, built on this side (the local cluster's namespace has no network for cargo).
test_binary() {
  need cargo "https://rustup.rs"
  cargo test --release -p redis-ha-e2e --test suite --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "suite":
        print(m["executable"])' | tail -n 1
}

tools_on_path() {
  if ! command -v helm >/dev/null || ! command -v helm3 >/dev/null || ! command -v kubectl >/dev/null; then
    PATH="$PATH:$(scripts/install-k8s-tools.sh)"
  fi
}

case "$MODE" in
  local)
    [ "$(id -u)" -eq 0 ] || { echo "e2e/run.sh: the local cluster needs root (or E2E_CLUSTER=kind|current)" >&2; exit 2; }
    bin=$(test_binary)
    [ -x "$bin" ] || { echo "e2e/run.sh: could not build the e2e test binary" >&2; exit 1; }
    scripts/install-k8s-tools.sh >/dev/null
    was_up=""
    if scripts/cluster.sh status >/dev/null 2>&1; then was_up=1; say "using the running local cluster"; fi
    scripts/cluster.sh up
    scripts/cluster.sh exec -- ctr -n k8s.io images tag --force "$NODE_IMAGE" "$NODE_IMAGE-next" >/dev/null
    status=0
    start=$SECONDS
    scripts/cluster.sh exec -- env E2E_CLUSTER=current E2E_TEST_BIN="$bin" e2e/run.sh "$@" || status=$?
    say "suite finished in $((SECONDS - start)) s (exit $status)"
    if [ -z "$was_up" ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then
      scripts/cluster.sh down
    else
      say "the cluster stays up (scripts/cluster.sh down stops it)"
    fi
    exit "$status"
    ;;
  kind)
    need docker "https://docs.docker.com/get-docker/"
    need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
    CLUSTER="${KIND_CLUSTER:-redis-ha-e2e}"
    created=""
    if ! kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
      say "creating kind cluster $CLUSTER"
      kind create cluster --name "$CLUSTER" --config e2e/kind-config.yaml ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} --wait 180s
      created=1
    fi
    kubeconfig=$(mktemp)
    trap 'rm -f "$kubeconfig"; if [ -n "$created" ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then kind delete cluster --name "$CLUSTER"; fi' EXIT
    kind get kubeconfig --name "$CLUSTER" > "$kubeconfig"
    say "building and loading the images"
    make images TAG="$VERSION" REGISTRY="$REGISTRY"
    docker tag "$NODE_IMAGE" "$NODE_IMAGE-next"
    docker build -t "$CLIENT_IMAGE" e2e/client
    kind load docker-image --name "$CLUSTER" "$NODE_IMAGE" "$NODE_IMAGE-next" "$OPERATOR_IMAGE" "$CLIENT_IMAGE"
    KUBECONFIG="$kubeconfig" E2E_CLUSTER=current E2E_TEST_BIN="$(test_binary)" e2e/run.sh "$@"
    exit $?
    ;;
  current) ;;
  *) echo "e2e/run.sh: E2E_CLUSTER is local, kind or current, not $MODE" >&2; exit 2 ;;
esac

# --- on the cluster of the current kubeconfig --------------------------------------------------------------
tools_on_path
BIN="${E2E_TEST_BIN:-$(test_binary)}"
need kubectl "https://kubernetes.io/docs/tasks/tools/"
kubectl version >/dev/null || { echo "e2e/run.sh: no reachable cluster in the current kubeconfig" >&2; exit 2; }
failed=0

# run_tests FILTER...: the named tests, one at a time; a failure is recorded and the phase goes on.
# A test that failed runs once more, alone, and a pass the second time is reported as FLAKY (a loaded
# 2-core machine runs the whole cluster): it counts as passed, and the first failure's output stays in
# the log above it (with its namespaces' pods and events, which are deleted before the second run).
# E2E_NO_RETRY=1 turns the second run off.
run_tests() {
  local out status names
  out=$(mktemp)
  set +e
  "$BIN" --ignored --test-threads=1 --show-output "$@" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    names=$(sed -n 's/^test \([a-z_:0-9]*\) \.\.\. FAILED$/\1/p' "$out" | sort -u)
    if [ -n "$names" ] && [ "${E2E_NO_RETRY:-0}" != 1 ]; then
      # The failed attempt's namespaces hold pods that request CPU on a 2-core node: shown here, then
      # deleted, so the second run is not starved by the first.
      for ns in $(sed -n 's/^test namespace \(e2e-[a-z0-9-]*\)$/\1/p' "$out" | sort -u); do
        kubectl get ns "$ns" >/dev/null 2>&1 || continue
        say "the failed attempt's namespace $ns, deleted before the retry:"
        kubectl -n "$ns" get pods -o wide 2>&1 || true
        kubectl -n "$ns" get events --sort-by=.lastTimestamp 2>&1 | tail -n 20 || true
        kubectl delete ns "$ns" --wait=true --timeout=180s >/dev/null 2>&1 || true
      done
      say "retrying once: $(echo $names)"
      # shellcheck disable=SC2086
      if "$BIN" --ignored --test-threads=1 --show-output --exact $names; then
        for n in $names; do echo "FLAKY: $n failed, then passed when run again"; done
        status=0
      fi
    fi
  fi
  rm -f "$out"
  if [ "$status" != 0 ]; then failed=1; operator_log; fi
}
operator_log() {
  say "failed: the operator's log (last 100 lines); failed tests keep their namespace"
  kubectl -n "$NAMESPACE" logs -l app.kubernetes.io/name=redis-ha-operator --tail=100 --prefix 2>/dev/null | tail -n 200 || true
}
helm_install() {  # helm_install HELM ARGS...
  local helm=$1 existed=0; shift
  "$helm" status redis-ha-operator --namespace "$NAMESPACE" >/dev/null 2>&1 && existed=1
  "$helm" upgrade --install redis-ha-operator charts/redis-ha-operator --namespace "$NAMESPACE" --create-namespace \
    --set 'logLevel=info\,redis_ha_operator=debug' --wait --timeout 5m "$@"
  # The images keep their tags when rebuilt: pods of a release left from an earlier run still run the
  # old binary until restarted.
  if [ "$existed" = 1 ]; then
    kubectl -n "$NAMESPACE" rollout restart deployment/redis-ha-operator
    kubectl -n "$NAMESPACE" rollout status deployment/redis-ha-operator --timeout=180s
  fi
}

if [ "$#" -gt 0 ]; then
  say "helm install (v4), then the tests matching: $*"
  helm_install helm --set replicaCount=2
  for f in "$@"; do run_tests "$f"; done
  exit "$failed"
fi

say "phase 1: helm install (Helm $(helm version --short)) with two operator replicas"
helm_install helm --set replicaCount=2
E2E_INSTALL=helm E2E_HELM=helm
export E2E_INSTALL E2E_HELM
run_tests install::
run_tests examples::
run_tests failover::
run_tests lifecycle::
run_tests tls::
run_tests operator::deleting_the_leader operator::the_operator_restarted operator::a_deleted_redishas_watcher
run_tests operator::the_operator_was_never_refused
run_tests teardown::

say "phase 2: helm install (Helm $(helm3 version --short))"
helm_install helm3 --set leaderElection.enabled=true
# teardown:: makes a persistent RedisHA Ready before it uninstalls: the install works end to end.
E2E_HELM=helm3 run_tests install::
E2E_HELM=helm3 run_tests teardown::

say "phase 3: kubectl apply --server-side -f manifests/install.yaml"
kubectl apply --server-side -f manifests/install.yaml
kubectl -n "$NAMESPACE" rollout status deployment/redis-ha-operator --timeout=180s
E2E_INSTALL=manifests E2E_EXPECT_LEASE="$(grep -q -- '--leader-elect' manifests/install.yaml && echo 1 || echo 0)" \
  run_tests install::
E2E_INSTALL=manifests run_tests teardown::

if [ "$failed" != 0 ]; then say "FAILED (see above)"; else say "all phases passed"; fi
exit "$failed"
