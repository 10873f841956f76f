"""The packaging, checked offline: the Helm chart (lint, render with Helm v4 and v3, values schema, RBAC),
manifests/install.yaml and the examples, every rendered object validated against Kubernetes' schemas for
several versions, and the generated files current. Run by scripts/check-packaging.sh (which installs
helm, kubectl and kubernetes-validate); no cluster needed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import generate
import schemas

ROOT = generate.ROOT
CHART = generate.CHART
MAX_VALUES = CHART / "ci" / "max-values.yaml"
EXAMPLES = sorted((ROOT / "manifests" / "examples").glob("*.yaml"))
OPERATOR_SRC = ROOT / "operator" / "src"

# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion), the API level the operator is
# built against (k8s-openapi feature v1_33), and the newest kubernetes-validate ships.
K8S_VERSIONS = ["1.29", "1.33", "1.37"]

TOOLS = Path(os.environ.get("K8S_TOOLS_BIN", ROOT / ".tools" / "bin"))
HELMS = {"helm4": str(TOOLS / "helm"), "helm3": str(TOOLS / "helm3")}
VALUE_SETS = {"default": [], "max": ["-f", str(MAX_VALUES)]}


@functools.lru_cache(maxsize=None)
def render(helm: str, *args: str) -> str:
    return generate.helm_template(HELMS[helm], *args)


def render_docs(helm: str, *args: str) -> list[dict]:
    return schemas.load_docs(render(helm, *args))


def render_fails(helm: str, *args: str) -> str:
    with pytest.raises(subprocess.CalledProcessError) as e:
        generate.helm_template(HELMS[helm], *args)
    return e.value.stderr


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def one(docs: list[dict], kind: str) -> dict:
    (d,) = by_kind(docs, kind)
    return d


def test_tools_are_the_pinned_ones():
    for helm, major in (("helm4", "v4."), ("helm3", "v3.")):
        out = subprocess.run([HELMS[helm], "version", "--short"], check=True, capture_output=True, text=True).stdout
        assert out.startswith(major), f"{HELMS[helm]}: {out}"


# ---- generated files ----------------------------------------------------------------------------------


def test_chart_crd_template_is_current():
    assert generate.CHART_CRD.read_text() == generate.chart_crd(generate.CRD_SOURCE.read_text()), (
        "charts/redis-ha-operator/templates/crd-redishas.yaml is out of date: run scripts/gen-packaging.sh")


def test_install_yaml_is_current():
    assert generate.INSTALL_YAML.read_text() == generate.install_yaml(HELMS["helm4"]), (
        "manifests/install.yaml is out of date: run scripts/gen-packaging.sh")


@pytest.mark.parametrize("helm", HELMS)
def test_rendered_crd_is_the_generated_one(helm):
    """Through Helm, the CRD template yields crds/redisha.yaml exactly, plus the chart's metadata."""
    crd = one(render_docs(helm), "CustomResourceDefinition")
    source = yaml.safe_load(generate.CRD_SOURCE.read_text())
    assert crd["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}
    assert crd["metadata"]["labels"]["app.kubernetes.io/part-of"] == "redis-ha"
    crd["metadata"] = {"name": crd["metadata"]["name"]}
    assert crd == source


# ---- chart: lint, schema, values ---------------------------------------------------------------------


@pytest.mark.parametrize("values", VALUE_SETS)
@pytest.mark.parametrize("helm", HELMS)
def test_helm_lint_strict(helm, values):
    r = subprocess.run([HELMS[helm], "lint", "--strict", str(CHART), *VALUE_SETS[values]], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[WARNING]" not in r.stdout and "[ERROR]" not in r.stdout, r.stdout


@pytest.mark.parametrize("values", VALUE_SETS)
def test_helm_v3_and_v4_render_the_same(values):
    assert render_docs("helm4", *VALUE_SETS[values]) == render_docs("helm3", *VALUE_SETS[values])


@pytest.mark.parametrize("helm", HELMS)
@pytest.mark.parametrize("bad", ["replicaCont=2", "image.tga=x", "metrics.serviceMonitor.intervall=1m", "leaderElection.enabled=maybe",
                                 "image.pullPolicy=Sometimes", "replicaCount=0", "redisHA.name=Cache", "watchNamespace=Team_A"])
def test_values_schema_refuses_typos_and_bad_values(helm, bad):
    err = render_fails(helm, "--set", bad)
    assert "schema" in err.lower() or "values don't meet the specifications" in err, err


@pytest.mark.parametrize("helm", HELMS)
@pytest.mark.parametrize("args, says", [
    (["--set", "replicaCount=2", "--set", "leaderElection.enabled=false"], "replicaCount > 1 with leaderElection.enabled=false"),
    (["--set", "podDisruptionBudget.enabled=true"], "would block every node drain"),
    (["--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.service.enabled=false"], "needs metrics.service.enabled"),
    (["--set", "redisHA.enabled=true", "--set", "serviceAccount.create=false"], "serviceAccount.name must name"),
    (["--set", "rbac.create=false", "--set", "rbac.extraRules[0].verbs[0]=get"], "rbac.extraRules has no effect"),
])
def test_contradictory_values_fail_with_a_reason(helm, args, says):
    assert says in render_fails(helm, *args)


def test_release_name_too_long_for_a_redisha_fails():
    r = subprocess.run([HELMS["helm4"], "template", "x" * 44, str(CHART), "--set", "redisHA.enabled=true"], capture_output=True, text=True)
    assert r.returncode != 0 and "longer than 43 characters" in r.stderr, r.stderr


def _keys(node, prefix=()):
    """Every key path of a values tree; maps with content are descended into."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from _keys(v, prefix + (k,))


def test_every_value_is_commented():
    lines = (CHART / "values.yaml").read_text().splitlines()
    uncommented = []
    for i, line in enumerate(lines):
        if re.match(r"^\s*[A-Za-z0-9_./-]+:", line):
            prev = next((p for p in reversed(lines[:i]) if p.strip()), "")
            if not prev.strip().startswith("#"):
                uncommented.append(line.strip())
    assert not uncommented, f"values without a comment right above them: {uncommented}"


def test_values_schema_is_strict_and_matches_values():
    schema = json.loads((CHART / "values.schema.json").read_text())

    def walk(node, path):
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is False, f"{path or '(root)'}: additionalProperties must be false"
            for k, v in node["properties"].items():
                walk(v, f"{path}.{k}" if path else k)

    walk(schema, "")
    values = yaml.safe_load((CHART / "values.yaml").read_text())

    def covered(tree, node, path=""):
        if not isinstance(tree, dict) or "properties" not in node:
            return
        assert set(tree) == set(node["properties"]), f"{path or '(root)'}: values {sorted(tree)} vs schema {sorted(node['properties'])}"
        for k, v in tree.items():
            covered(v, node["properties"][k], f"{path}.{k}" if path else k)

    covered(values, schema)


def test_max_values_set_every_value_and_every_toggle():
    defaults = set(_keys(yaml.safe_load((CHART / "values.yaml").read_text())))
    maximal = yaml.safe_load(MAX_VALUES.read_text())
    missing = [".".join(p) for p in defaults if p not in set(_keys(maximal))]
    assert not missing, f"ci/max-values.yaml does not set {missing}"
    toggles = [p for p in defaults if p[-1] == "enabled"]
    off = [".".join(p) for p in toggles if functools.reduce(lambda n, k: n[k], p, maximal) is not True]
    assert not off, f"ci/max-values.yaml leaves {off} off"


def test_versions_and_names_agree_across_files():
    cargo = (ROOT / "Cargo.toml").read_text()
    version = re.search(r'^\[workspace\.package\]\nversion = "([^"]+)"', cargo, re.M).group(1)
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["appVersion"] == version, "Chart.yaml appVersion must be the workspace version (the images' tag)"
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    operator_default = re.search(r'format!\("([^"]+):\{\}", env!\("CARGO_PKG_VERSION"\)\)', (OPERATOR_SRC / "resources" / "mod.rs").read_text())
    assert operator_default and values["nodeImage"]["repository"] == operator_default.group(1), "nodeImage.repository must be the operator's default"
    makefile = (ROOT / "Makefile").read_text()
    registry = re.search(r"^REGISTRY \?= (\S+)", makefile, re.M).group(1)
    assert values["image"]["repository"] == f"{registry}/redis-ha-operator"
    assert values["nodeImage"]["repository"] == f"{registry}/redis-ha-node"
    # The node image's user is the UID the operator's pods run as; the operator image's user is the chart's.
    run_as = re.search(r"pub const RUN_AS: i64 = (\d+);", (OPERATOR_SRC / "resources" / "statefulset.rs").read_text()).group(1)
    node_df = (ROOT / "node" / "Dockerfile").read_text()
    assert f"--uid {run_as}" in node_df and f"USER {run_as}:{run_as}" in node_df
    op_df = (ROOT / "operator" / "Dockerfile").read_text()
    uid = values["podSecurityContext"]["runAsUser"]
    assert f"USER {uid}:{values['podSecurityContext']['runAsGroup']}" in op_df


@pytest.mark.parametrize("values", VALUE_SETS)
def test_the_operator_knows_every_argument_the_chart_passes(values):
    usage = (OPERATOR_SRC / "main.rs").read_text()
    args = one(render_docs("helm4", *VALUE_SETS[values]), "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"]
    flags = [a for a in args if a.startswith("--")]
    unknown = [f for f in flags if f'"{f}"' not in usage]
    assert flags and not unknown, f"flags the operator does not parse: {unknown}"


# ---- rendered objects against Kubernetes' schemas ------------------------------------------------------


@pytest.mark.parametrize("k8s", K8S_VERSIONS)
@pytest.mark.parametrize("values", VALUE_SETS)
def test_rendered_objects_validate(values, k8s):
    docs = render_docs("helm4", *VALUE_SETS[values])
    problems = []
    for d in docs:
        try:
            schemas.validate_object(d, k8s)
        except schemas.Invalid as e:
            problems.append(str(e))
        problems.extend(schemas.check_meta(d))
    assert not problems, "\n".join(problems)
    kinds = {d["kind"] for d in docs}
    expected = {"CustomResourceDefinition", "ServiceAccount", "ClusterRole", "Service", "Deployment"}
    if values == "default":
        expected |= {"ClusterRoleBinding"}
    if values == "max":
        # max sets watchNamespace: the operator's RBAC is a Role and RoleBinding there.
        expected |= {"Role", "RoleBinding", "ServiceMonitor", "PodDisruptionBudget", "RedisHA"}
    assert expected <= kinds, f"missing {expected - kinds}"


@pytest.mark.parametrize("k8s", K8S_VERSIONS)
def test_install_yaml_validates(k8s):
    docs = schemas.load_docs(generate.INSTALL_YAML.read_text())
    problems = []
    for d in docs:
        try:
            schemas.validate_object(d, k8s)
        except schemas.Invalid as e:
            problems.append(str(e))
        problems.extend(schemas.check_meta(d))
    assert not problems, "\n".join(problems)
    ns = one(docs, "Namespace")
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    namespaced = [d for d in docs if d["kind"] not in ("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding")]
    assert all(d["metadata"].get("namespace") == ns["metadata"]["name"] for d in namespaced)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_against_the_crd(example):
    docs = schemas.load_docs(example.read_text())
    assert by_kind(docs, "RedisHA"), f"{example.name} has no RedisHA"
    for d in docs:
        for k8s in K8S_VERSIONS:
            schemas.validate_object(d, k8s)
        assert not schemas.check_meta(d)


def test_the_crd_check_refuses_what_the_api_server_refuses():
    """The strict CRD validation is not vacuous: unknown fields, wrong types and bounds are errors."""
    ok = {"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "metadata": {"name": "c"}, "spec": {"replicas": 3}}
    schemas.validate_redisha(ok)
    for spec in ({"replica": 3}, {"replicas": "3"}, {"replicas": 0}, {"persistence": {"mode": "disk"}},
                 {"auth": {"secret": "x"}}, {"config": [{"name": "maxmemory", "value": "1gb", "extra": 1}]},
                 {"resources": {"requests": {"cpu": "1"}, "limit": {}}}):
        with pytest.raises(schemas.Invalid):
            schemas.validate_redisha({**ok, "spec": spec})


# ---- what the objects say -----------------------------------------------------------------------------

# Kinds the operator's code calls the API for (Api::<Kind> / Api<Kind>), and the RBAC resource of each.
API_RESOURCES = {
    "RedisHA": ("redisha.io", "redishas"),
    "StatefulSet": ("apps", "statefulsets"),
    "Service": ("", "services"),
    "ConfigMap": ("", "configmaps"),
    "PodDisruptionBudget": ("policy", "poddisruptionbudgets"),
    "Pod": ("", "pods"),
    "Secret": ("", "secrets"),
    "Lease": ("coordination.k8s.io", "leases"),
    # The operator's one dynamic object: spec.tls.certManager's Certificate (resources/certificate.rs).
    "DynamicObject": ("cert-manager.io", "certificates"),
}
# The verbs, read off the calls (controller/, rollout/apply.rs, master/mover.rs, leader.rs, kube's Recorder).
# A change in the operator's calls must change this table and the chart's rbac.yaml together.
CLUSTER_RULES = {
    ("redisha.io", "redishas"): {"list", "watch"},
    ("redisha.io", "redishas/status"): {"patch"},
    ("apps", "statefulsets"): {"list", "watch", "create", "patch"},
    ("", "services"): {"list", "watch", "create", "patch"},
    ("", "configmaps"): {"list", "watch", "create", "patch"},
    ("policy", "poddisruptionbudgets"): {"get", "list", "watch", "create", "patch", "delete"},
    ("", "pods"): {"list", "patch", "delete"},
    ("", "secrets"): {"get", "create"},
    ("cert-manager.io", "certificates"): {"get", "create", "patch", "delete"},
    ("events.k8s.io", "events"): {"create", "patch"},
}


def rules_of(role: dict) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for r in role["rules"]:
        assert "*" not in r["verbs"] and "*" not in r["resources"] and "*" not in r.get("apiGroups", []), f"wildcard in {r}"
        for g in r["apiGroups"]:
            for res in r["resources"]:
                out.setdefault((g, res), set()).update(r["verbs"])
    return out


def test_rbac_is_exactly_what_the_operator_calls():
    docs = render_docs("helm4", "--set", "replicaCount=2")
    operator_role = [d for d in by_kind(docs, "ClusterRole") if not d["metadata"]["name"].endswith(("-view", "-edit"))]
    (role,) = operator_role
    assert rules_of(role) == CLUSTER_RULES

    # Every kind the operator's source calls the API for has a rule, and no rule is for anything else.
    used = set()
    for src in OPERATOR_SRC.rglob("*.rs"):
        text = re.sub(r"(?s)#\[cfg\(test\)\].*", "", src.read_text())
        used |= set(re.findall(r"\bApi(?:::)?<(\w+)>", text))
        if re.search(r"\bRecorder::new\(", text):
            used.add("Event")
    unknown = used - set(API_RESOURCES) - {"Event", "K"}
    assert not unknown, f"the operator calls the API for {unknown}: add them to API_RESOURCES, CLUSTER_RULES and rbac.yaml"
    granted = {res.split("/")[0] for (_, res) in CLUSTER_RULES} | {"leases"}
    needed = {API_RESOURCES[k][1] for k in used if k in API_RESOURCES} | {"events"}
    assert granted == needed, f"granted {sorted(granted)} vs used {sorted(needed)}"

    (lease_role,) = by_kind(docs, "Role")
    assert lease_role["rules"] == [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": ["redis-ha-operator"], "verbs": ["get", "update", "watch"]},
    ]
    # Bound to the operator's ServiceAccount, in the Lease's namespace.
    sa = one(docs, "ServiceAccount")["metadata"]
    for b in by_kind(docs, "ClusterRoleBinding") + by_kind(docs, "RoleBinding"):
        assert b["subjects"] == [{"kind": "ServiceAccount", "name": sa["name"], "namespace": sa["namespace"]}]


def test_no_lease_permission_without_leader_election():
    docs = render_docs("helm4")
    assert not by_kind(docs, "Role") and not by_kind(docs, "RoleBinding")


def test_watch_namespace_makes_the_operator_and_its_rbac_namespaced():
    docs = render_docs("helm4", "--set", "watchNamespace=team-a", "--set", "replicaCount=2")
    dep = one(docs, "Deployment")
    fullname, args = dep["metadata"]["name"], dep["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--watch-namespace") + 1] == "team-a"
    assert args[args.index("--lease-namespace") + 1] == "team-a", "the Lease follows the watched namespace"
    # Nothing cluster-wide for the operator; the aggregated view/edit roles are for users and stay.
    assert not by_kind(docs, "ClusterRoleBinding")
    assert sorted(d["metadata"]["name"] for d in by_kind(docs, "ClusterRole")) == [f"{fullname}-edit", f"{fullname}-view"]
    roles = {d["metadata"]["name"]: d for d in by_kind(docs, "Role")}
    assert {r["metadata"]["namespace"] for r in roles.values()} == {"team-a"}
    assert rules_of(roles[fullname]) == CLUSTER_RULES, "the same rules, in one namespace"
    assert f"{fullname}-leader-election" in roles
    sa = one(docs, "ServiceAccount")["metadata"]
    bindings = by_kind(docs, "RoleBinding")
    assert sorted((b["metadata"]["namespace"], b["roleRef"]["kind"], b["roleRef"]["name"]) for b in bindings) == [
        ("team-a", "Role", fullname), ("team-a", "Role", f"{fullname}-leader-election")]
    for b in bindings:
        assert b["subjects"] == [{"kind": "ServiceAccount", "name": sa["name"], "namespace": generate.NAMESPACE}]
    # An explicit Lease namespace still wins; by default the operator watches every namespace.
    lease = one(render_docs("helm4", "--set", "watchNamespace=team-a", "--set", "replicaCount=2",
                            "--set", "leaderElection.namespace=leases"), "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert lease[lease.index("--lease-namespace") + 1] == "leases"
    default = render_docs("helm4", "--set", "replicaCount=2")
    assert "--watch-namespace" not in one(default, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert by_kind(default, "ClusterRoleBinding")


def test_aggregated_roles_reach_view_and_edit():
    roles = {d["metadata"]["name"]: d for d in by_kind(render_docs("helm4"), "ClusterRole")}
    view, edit = roles["redis-ha-operator-view"], roles["redis-ha-operator-edit"]
    assert view["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"] == "true"
    assert edit["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-edit"] == "true"
    assert "rbac.authorization.k8s.io/aggregate-to-view" not in edit["metadata"]["labels"]
    assert rules_of(view) == {("redisha.io", "redishas"): {"get", "list", "watch"}, ("redisha.io", "redishas/status"): {"get", "list", "watch"}}
    assert not by_kind(render_docs("helm4", "--set", "rbac.aggregateToDefaultRoles=false"), "ClusterRole")[1:]


@pytest.mark.parametrize("replicas, elect, strategy", [
    ("1", False, "Recreate"),
    ("2", True, "RollingUpdate"),
])
def test_leader_election_follows_replicas(replicas, elect, strategy):
    dep = one(render_docs("helm4", "--set", f"replicaCount={replicas}"), "Deployment")
    pod = dep["spec"]["template"]["spec"]
    args = pod["containers"][0]["args"]
    assert ("--leader-elect" in args) is elect
    assert dep["spec"]["strategy"]["type"] == strategy
    # /readyz is ready on a standby too, so it is the readiness probe with or without election.
    assert pod["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert pod["containers"][0]["livenessProbe"]["httpGet"]["path"] == "/healthz"
    if elect:
        assert args[args.index("--lease-namespace") + 1] == generate.NAMESPACE


def test_leader_election_can_be_forced_on_for_one_replica():
    dep = one(render_docs("helm4", "--set", "leaderElection.enabled=true"), "Deployment")
    assert "--leader-elect" in dep["spec"]["template"]["spec"]["containers"][0]["args"]


@pytest.mark.parametrize("values", VALUE_SETS)
def test_operator_pod_meets_the_restricted_pod_security_standard(values):
    pod = one(render_docs("helm4", *VALUE_SETS[values]), "Deployment")["spec"]["template"]["spec"]
    psc = pod.get("securityContext", {})
    assert psc.get("seccompProfile", {}).get("type") == "RuntimeDefault"
    assert psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0
    for c in pod["containers"]:
        sc = c["securityContext"]
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["readOnlyRootFilesystem"] is True
        assert sc["capabilities"]["drop"] == ["ALL"] and not sc["capabilities"].get("add")
    assert not any(pod.get(k) for k in ("hostNetwork", "hostPID", "hostIPC", "volumes"))


def test_default_images_are_the_app_version():
    docs = render_docs("helm4")
    c = one(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    assert c["image"] == f"ghcr.io/redis-ha/redis-ha-operator:{version}"
    assert c["args"][c["args"].index("--node-image") + 1] == f"ghcr.io/redis-ha/redis-ha-node:{version}"
    d = one(render_docs("helm4", "-f", str(MAX_VALUES)), "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert re.fullmatch(r"registry\.example\.com/redis-ha/redis-ha-operator@sha256:[0-9a-f]{64}", d["image"])


def test_crds_toggle_and_keep_policy():
    assert not by_kind(render_docs("helm4", "--set", "crds.enabled=false"), "CustomResourceDefinition")
    crd = one(render_docs("helm4", "--set", "crds.keep=false"), "CustomResourceDefinition")
    assert "annotations" not in crd["metadata"]


def test_metrics_service_and_service_monitor_select_the_operator():
    docs = render_docs("helm4", "-f", str(MAX_VALUES))
    dep, svc, sm = one(docs, "Deployment"), one(docs, "Service"), one(docs, "ServiceMonitor")
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    assert sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
    assert sm["spec"]["namespaceSelector"]["matchNames"] == [svc["metadata"]["namespace"]]
    port = dep["spec"]["template"]["spec"]["containers"][0]["ports"][0]
    assert svc["spec"]["ports"][0]["targetPort"] == port["name"] == sm["spec"]["endpoints"][0]["port"]
    assert f"0.0.0.0:{port['containerPort']}" in dep["spec"]["template"]["spec"]["containers"][0]["args"]


def test_redisha_block_renders_the_spec_verbatim():
    maximal = yaml.safe_load(MAX_VALUES.read_text())
    rha = one(render_docs("helm4", "-f", str(MAX_VALUES)), "RedisHA")
    assert rha["spec"] == maximal["redisHA"]["spec"]
    assert rha["metadata"]["name"] == "cache" and rha["metadata"]["namespace"] == maximal["watchNamespace"], "where the operator looks"
    empty = one(render_docs("helm4", "--set", "redisHA.enabled=true"), "RedisHA")
    assert empty["spec"] == {} and empty["metadata"]["name"] == generate.RELEASE
