"""Offline validation of Kubernetes objects, for the packaging checks.

- Built-in kinds: kubernetes-validate's strict schemas (unknown fields refused), per Kubernetes version.
- RedisHA: the generated CRD's openAPIV3Schema, made strict the way the API server's field validation is
  (unknown fields refused unless x-kubernetes-preserve-unknown-fields). Its CEL rules run in the Rust
  test e2e/tests/suite/manifests.rs, through the same evaluator as operator/tests/crd.rs.
- ServiceMonitor (no schema ships offline): a hand-written subset of the Prometheus Operator's
  monitoring.coreos.com/v1 schema covering every field the chart emits, strict.

Anything else is an error: no object passes unchecked.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import jsonschema
import kubernetes_validate.utils as kv
import yaml

ROOT = Path(__file__).resolve().parents[2]
CRD_FILE = ROOT / "crds" / "redisha.yaml"

# kubernetes-validate re-reads its JSON schemas (megabytes) for every object; they never change.
kv.schema_contents = functools.lru_cache(maxsize=None)(kv.schema_contents)


class Invalid(Exception):
    """An object fails its schema; the message names the object, the field and the version."""


def kn(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    ns = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj.get('kind')} {ns}{meta.get('name')}"


def load_docs(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


def _strict_crd_schema(node):
    """openAPIV3Schema → JSON Schema that refuses unknown fields and accepts what `nullable` allows."""
    if isinstance(node, list):
        return [_strict_crd_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict_crd_schema(v) if k in ("items", "not", "allOf", "anyOf", "oneOf", "additionalProperties") else v
           for k, v in node.items()}
    if "properties" in node:
        out["properties"] = {k: _strict_crd_schema(v) for k, v in node["properties"].items()}
        if "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
    if node.get("nullable") and isinstance(node.get("type"), str):
        out["type"] = [node["type"], "null"]
    if node.get("x-kubernetes-int-or-string") and "type" not in node and "anyOf" not in node:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    return out


@functools.lru_cache(maxsize=None)
def _crd_validator(crd_text: str):
    crd = yaml.safe_load(crd_text)
    (version,) = [v for v in crd["spec"]["versions"] if v.get("storage")]
    api_version = f"{crd['spec']['group']}/{version['name']}"
    schema = _strict_crd_schema(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
    # The API server adds these to every custom resource's schema.
    for field, t in (("apiVersion", "string"), ("kind", "string"), ("metadata", "object")):
        schema["properties"].setdefault(field, {"type": t})
    return api_version, crd["spec"]["names"]["kind"], jsonschema.Draft4Validator(schema)


def validate_redisha(obj: dict, crd_text: str | None = None) -> None:
    api_version, kind, validator = _crd_validator(crd_text if crd_text is not None else CRD_FILE.read_text())
    if obj.get("apiVersion") != api_version or obj.get("kind") != kind:
        raise Invalid(f"{kn(obj)}: expected apiVersion {api_version}, kind {kind}")
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
    if errors:
        raise Invalid("; ".join(f"{kn(obj)}: {'.'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors))


_DURATION = {"type": "string", "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_RELABEL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "sourceLabels": {"type": "array", "items": {"type": "string", "pattern": r"^[a-zA-Z_][a-zA-Z0-9_]*$"}},
        "separator": {"type": "string"},
        "targetLabel": {"type": "string"},
        "regex": {"type": "string"},
        "modulus": {"type": "integer"},
        "replacement": {"type": "string"},
        "action": {"type": "string", "enum": [
            "replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap", "LabelMap",
            "labeldrop", "LabelDrop", "labelkeep", "LabelKeep", "lowercase", "Lowercase", "uppercase", "Uppercase",
            "keepequal", "KeepEqual", "dropequal", "DropEqual",
        ]},
    },
}
SERVICE_MONITOR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "ServiceMonitor"},
        "metadata": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}, "labels": _STRING_MAP, "annotations": _STRING_MAP},
        },
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["selector", "endpoints"],
            "properties": {
                "jobLabel": {"type": "string"},
                "selector": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"matchLabels": _STRING_MAP, "matchExpressions": {"type": "array", "items": {"type": "object"}}},
                },
                "namespaceSelector": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"any": {"type": "boolean"}, "matchNames": _STRINGS},
                },
                "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "port": {"type": "string"},
                            "path": {"type": "string"},
                            "scheme": {"enum": ["http", "https"]},
                            "interval": _DURATION,
                            "scrapeTimeout": _DURATION,
                            "honorLabels": {"type": "boolean"},
                            "relabelings": {"type": "array", "items": _RELABEL},
                            "metricRelabelings": {"type": "array", "items": _RELABEL},
                        },
                    },
                },
            },
        },
    },
}


def validate_object(obj: dict, k8s_version: str) -> str:
    """Validates one object; returns what it was checked against. Raises Invalid."""
    kind = obj.get("kind")
    if kind == "RedisHA":
        validate_redisha(obj)
        return "crds/redisha.yaml"
    if kind == "ServiceMonitor":
        errors = list(jsonschema.Draft7Validator(SERVICE_MONITOR_SCHEMA).iter_errors(obj))
        if errors:
            raise Invalid("; ".join(f"{kn(obj)}: {'.'.join(map(str, e.path))}: {e.message}" for e in errors))
        return "ServiceMonitor subset schema"
    try:
        checked = kv.validate(obj, k8s_version, strict=True)
    except kv.ValidationError as e:
        path = ".".join(str(p) for p in e.path) or "(root)"
        raise Invalid(f"{kn(obj)} against Kubernetes {e.version}: {path}: {e.message}") from None
    except kv.SchemaNotFoundError as e:
        raise Invalid(f"{kn(obj)}: {e.message}") from None
    return f"Kubernetes {checked}"


# What the API server checks beyond the OpenAPI schemas, for the fields the chart sets.
_LABEL_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Kinds whose names must be DNS labels (they become DNS names or label values).
_DNS_LABEL_KINDS = {"Service", "Namespace", "Deployment"}


def check_meta(obj: dict) -> list[str]:
    """Name and label problems the API server would refuse."""
    problems = []
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    if obj.get("kind") in _DNS_LABEL_KINDS:
        if len(name) > 63 or not _DNS_LABEL.match(name):
            problems.append(f"{kn(obj)}: name is not a DNS-1123 label")
    elif obj.get("kind") not in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"):
        if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
            problems.append(f"{kn(obj)}: name is not a DNS-1123 subdomain")
    labels = dict(meta.get("labels") or {})
    tmpl = (obj.get("spec") or {}).get("template")
    if isinstance(tmpl, dict):
        labels.update((tmpl.get("metadata") or {}).get("labels") or {})
    for k, v in labels.items():
        prefix, _, key = k.rpartition("/")
        if (prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix))) or len(key) > 63 or not _LABEL_NAME.match(key):
            problems.append(f"{kn(obj)}: label key {k!r} is invalid")
        if not isinstance(v, str) or len(v) > 63 or (v and not _LABEL_NAME.match(v)):
            problems.append(f"{kn(obj)}: label {k}={v!r} has an invalid value")
    return problems
