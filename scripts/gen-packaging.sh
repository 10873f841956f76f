#!/usr/bin/env bash
# Regenerates the packaging files derived from others: the chart's CRD template (from crds/redisha.yaml)
# and manifests/install.yaml (the chart rendered by helm). Run it after changing the CRD or the chart;
# scripts/check-packaging.sh fails while either is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/install-k8s-tools.sh)
exec python3 scripts/packaging/generate.py --helm "$bin/helm" "$@"
