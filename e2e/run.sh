#!/usr/bin/env bash
# The kind end-to-end suite, as users and upstream CI run it: creates a kind cluster (e2e/kind-config.yaml),
# builds the node, operator and test-client images and loads them into it, installs the Helm chart, and
# runs the cluster tests (e2e/tests/suite/kind.rs). Deletes the cluster at the end unless it was there
# before or KEEP_CLUSTER=1.
#
# Needs: docker, kind, cargo; helm and kubectl from PATH (on Linux x86-64 they are installed into .tools
# when missing). Extra arguments go to the test binary, e.g. `e2e/run.sh scaling` runs one test.
#
#   KIND_CLUSTER=redis-ha-e2e   cluster name (an existing cluster of that name is reused)
#   KIND_NODE_IMAGE=...         kindest/node image (Kubernetes version) for a new cluster
#   KEEP_CLUSTER=1              keep a cluster this script created
#   SKIP_BUILD=1                reuse the images already loaded
#   E2E_THREADS=1               tests run at once (each uses a namespace and 6 pods)
#   E2E_KEEP_NAMESPACES=1       keep every test namespace, not only those of failed tests
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER="${KIND_CLUSTER:-redis-ha-e2e}"
TAG="${TAG:-e2e}"
REGISTRY="${REGISTRY:-ghcr.io/redis-ha}"
NODE_IMAGE="$REGISTRY/redis-ha-node:$TAG"
OPERATOR_IMAGE="$REGISTRY/redis-ha-operator:$TAG"
CLIENT_IMAGE="redis-ha-e2e-client:$TAG"
NAMESPACE="redis-ha-system"

say() { printf '\n== %s\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "e2e/run.sh: $1 is needed ($2)" >&2; exit 2; }; }
need docker "https://docs.docker.com/get-docker/"
need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
need cargo "https://rustup.rs"
if ! command -v helm >/dev/null || ! command -v kubectl >/dev/null; then
  if [ "$(uname -s)/$(uname -m)" = Linux/x86_64 ]; then
    PATH="$(scripts/install-k8s-tools.sh):$PATH"
  else
    need helm "https://helm.sh/docs/intro/install/"
    need kubectl "https://kubernetes.io/docs/tasks/tools/"
  fi
fi

created=""
cleanup() {
  if [ -n "$created" ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    say "deleting kind cluster $CLUSTER (KEEP_CLUSTER=1 keeps it)"
    kind delete cluster --name "$CLUSTER" || true
  fi
  rm -f "${KUBECONFIG_FILE:-}"
}
trap cleanup EXIT

if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  say "reusing kind cluster $CLUSTER"
else
  say "creating kind cluster $CLUSTER"
  created=1
  kind create cluster --name "$CLUSTER" --config e2e/kind-config.yaml ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} --wait 180s
fi
# A kubeconfig of its own: the user's current context is left alone.
KUBECONFIG_FILE=$(mktemp)
kind get kubeconfig --name "$CLUSTER" > "$KUBECONFIG_FILE"
export KUBECONFIG="$KUBECONFIG_FILE"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "building images ($TAG)"
  make images TAG="$TAG" REGISTRY="$REGISTRY"
  docker build -t "$CLIENT_IMAGE" e2e/client
  say "loading images into $CLUSTER"
  kind load docker-image --name "$CLUSTER" "$NODE_IMAGE" "$OPERATOR_IMAGE" "$CLIENT_IMAGE"
fi

say "installing the chart"
# Never pull the operator image (it exists only in the cluster); the node image's tag is not `latest`,
# so its pods default to IfNotPresent and use the loaded one.
helm upgrade --install redis-ha-operator charts/redis-ha-operator \
  --namespace "$NAMESPACE" --create-namespace \
  --set image.tag="$TAG" --set image.pullPolicy=Never --set nodeImage.tag="$TAG" \
  --set 'logLevel=info\,redis_ha_operator=debug' \
  --wait --timeout 5m
kubectl -n "$NAMESPACE" rollout status deployment/redis-ha-operator --timeout=120s
kubectl get crd redishas.redisha.io

say "running the e2e tests"
status=0
E2E_NODE_IMAGE="$NODE_IMAGE" E2E_CLIENT_IMAGE="$CLIENT_IMAGE" E2E_OPERATOR_NAMESPACE="$NAMESPACE" \
  cargo test -p redis-ha-e2e --test suite -- --ignored --test-threads="${E2E_THREADS:-1}" "$@" || status=$?
if [ "$status" != 0 ]; then
  say "failed: operator log (last 200 lines). Failed tests keep their namespace; KEEP_CLUSTER=1 keeps the cluster to look at them"
  kubectl -n "$NAMESPACE" logs deployment/redis-ha-operator --tail=200 || true
fi
exit "$status"
