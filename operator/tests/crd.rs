//! The committed CRD is current, and its validation refuses what the issue says it must refuse.
//!
//! CEL rules run through kube-cel (the evaluator kube-rs ships for client-side validation), with schema
//! defaults applied first as the API server does, so these tests exercise the very rules in `crds/redisha.yaml`.

use kube::core::cel::{analyze_rule, compile_schema, ScopeContext, Validator, WarningKind};
use kube::CustomResourceExt;
use redis_ha_operator::crd::{crd_yaml, RedisHA, MAX_NAME_LEN};
use serde_json::{json, Value};

fn schema() -> Value {
    let crd = serde_json::to_value(RedisHA::crd()).expect("crd serialises");
    crd.pointer("/spec/versions/0/schema/openAPIV3Schema").cloned().expect("crd has a schema")
}

fn object(spec: Value) -> Value {
    named("cache", spec)
}

fn named(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
}

/// The field paths and messages of every CEL rule the object breaks.
fn violations(obj: &Value, old: Option<&Value>) -> Vec<(String, String)> {
    match Validator::new().validate(&schema(), obj, old) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_vec().into_iter().map(|e| (e.field_path, e.message)).collect(),
    }
}

#[test]
fn committed_crd_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../crds/redisha.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = crd_yaml().expect("crd renders as YAML");
    assert!(committed == generated, "crds/redisha.yaml is out of date: run `cargo run -p redis-ha-operator --bin crdgen > crds/redisha.yaml`");
}

#[test]
fn every_rule_compiles_and_fits_the_cost_budget() {
    let schema = schema();
    let compiled = compile_schema(&schema);
    assert!(!compiled.has_errors(), "{:?}", compiled.compilation_errors().iter().map(|e| e.to_string()).collect::<Vec<_>>());
    let mut rules = Vec::new();
    collect_rules(&schema, &mut rules);
    assert!(rules.len() >= 5, "expected the name, quorum, minReplicasToWrite, config and persistence rules, got {rules:?}");
    for rule in &rules {
        let warnings = analyze_rule(rule, &compiled, ScopeContext::CrdValidation);
        let bad: Vec<_> = warnings.iter().filter(|w| w.kind == WarningKind::CostExceeded || w.kind == WarningKind::WrongScope).collect();
        assert!(bad.is_empty(), "{rule}: {bad:?}");
    }
}

fn collect_rules(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(rules)) = map.get("x-kubernetes-validations") {
                out.extend(rules.iter().filter_map(|r| r.get("rule").and_then(Value::as_str)).map(str::to_string));
            }
            map.values().for_each(|v| collect_rules(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_rules(v, out)),
        _ => {}
    }
}

#[test]
fn a_minimal_and_a_full_spec_pass() {
    assert_eq!(violations(&object(json!({})), None), Vec::<(String, String)>::new());
    let full = object(json!({
        "replicas": 5, "sentinels": 5, "quorum": 3, "minReplicasToWrite": 1,
        "config": [{"name": "maxmemory", "value": "1gb"}, {"name": "maxmemory-policy", "value": "allkeys-lru"}],
        "persistence": {"mode": "aof", "size": "5Gi"},
        "auth": {"secretName": "redis-pw"}
    }));
    assert_eq!(violations(&full, None), Vec::<(String, String)>::new());
}

#[test]
fn quorum_above_sentinels_is_refused_naming_the_field() {
    let v = violations(&object(json!({"sentinels": 3, "quorum": 4})), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].0.ends_with("quorum"), "{v:?}");
    assert!(v[0].1.contains("spec.quorum"), "{v:?}");
    // With the default sentinel count (3) applied by the schema, as the API server does.
    assert_eq!(violations(&object(json!({"quorum": 4})), None).len(), 1);
    assert!(violations(&object(json!({"quorum": 3})), None).is_empty());
}

#[test]
fn min_replicas_to_write_must_leave_a_master() {
    let v = violations(&object(json!({"replicas": 2, "minReplicasToWrite": 2})), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].1.contains("spec.minReplicasToWrite"), "{v:?}");
}

#[test]
fn write_safety_sync_needs_replicas_and_the_fence_must_come_before_a_failover() {
    // sync with the default one confirming replica needs two data pods; two confirming replicas need three.
    let v = violations(&object(json!({"replicas": 1, "writeSafety": {"mode": "sync"}})), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].1.contains("spec.writeSafety.syncReplicas"), "{v:?}");
    assert!(violations(&object(json!({"replicas": 2, "writeSafety": {"mode": "sync"}})), None).is_empty());
    assert_eq!(violations(&object(json!({"replicas": 2, "writeSafety": {"mode": "sync", "syncReplicas": 2}})), None).len(), 1);
    assert!(violations(&object(json!({"replicas": 3, "writeSafety": {"mode": "sync", "syncReplicas": 2, "timeoutMs": 500}})), None).is_empty());
    // The fence must be at most half of down-after (default 5000 ms).
    let v = violations(&object(json!({"writeSafety": {"mode": "fenced", "fenceMilliseconds": 3000}})), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].1.contains("spec.writeSafety.fenceMilliseconds"), "{v:?}");
    assert!(violations(&object(json!({"writeSafety": {"fenceMilliseconds": 2500}})), None).is_empty());
    assert!(violations(&object(json!({"downAfterMilliseconds": 10000, "writeSafety": {"fenceMilliseconds": 3000}})), None).is_empty());
    // async: no constraint.
    assert!(violations(&object(json!({"replicas": 1, "writeSafety": {"mode": "async"}})), None).is_empty());
    // The mode is an enum in the schema, with its description for `kubectl explain`.
    let ws = schema().pointer("/properties/spec/properties/writeSafety").cloned().expect("writeSafety in the schema");
    let modes: Vec<String> = ws
        .pointer("/properties/mode/enum")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    assert_eq!(modes, ["async", "fenced", "sync"]);
    assert!(ws.pointer("/properties/mode/description").and_then(Value::as_str).is_some_and(|d| d.contains("fenced (default)")), "{ws}");
}

#[test]
fn owned_directives_are_refused_in_any_case() {
    for name in ["port", "replicaof", "SLAVEOF", "RequirePass", "dir", "save", "appendonly", "rename-command"] {
        let v = violations(&object(json!({"config": [{"name": "maxmemory", "value": "1gb"}, {"name": name, "value": "x"}]})), None);
        assert_eq!(v.len(), 1, "{name}: {v:?}");
        assert!(v[0].0.contains("config") && v[0].0.ends_with("name"), "{name}: {v:?}");
        assert!(v[0].1.contains("spec.config"), "{name}: {v:?}");
    }
}

#[test]
fn a_name_longer_than_43_characters_is_refused_saying_why() {
    assert_eq!(MAX_NAME_LEN, 43);
    let longest = "a".repeat(43);
    assert_eq!(violations(&named(&longest, json!({})), None), Vec::<(String, String)>::new());
    let v = violations(&named(&"a".repeat(44), json!({})), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].1.starts_with("metadata.name must be at most 43 characters"), "{v:?}");
    assert!(v[0].1.contains("<name>-sentinel-") && v[0].1.contains("63"), "the message says why: {v:?}");
}

#[test]
fn persistence_cannot_change_after_creation() {
    let old = object(json!({"persistence": {"mode": "rdb", "size": "1Gi"}}));
    let new = object(json!({"persistence": {"mode": "aof", "size": "1Gi"}}));
    let v = violations(&new, Some(&old));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].1.contains("immutable"), "{v:?}");
    assert!(violations(&old, Some(&old)).is_empty());
}

#[test]
fn schema_bounds_name_their_fields() {
    // Non-CEL checks are the API server's OpenAPI validation; assert the bounds are in the schema.
    let s = schema();
    let spec = s.pointer("/properties/spec/properties").expect("spec properties");
    assert_eq!(spec.pointer("/replicas/minimum").and_then(Value::as_f64), Some(1.0));
    assert_eq!(spec.pointer("/replicas/default").and_then(Value::as_i64), Some(3));
    assert_eq!(spec.pointer("/sentinels/minimum").and_then(Value::as_f64), Some(1.0));
    assert_eq!(spec.pointer("/quorum/minimum").and_then(Value::as_f64), Some(1.0));
    assert_eq!(spec.pointer("/config/maxItems").and_then(Value::as_u64), Some(64));
    assert_eq!(spec.pointer("/config/items/properties/name/maxLength").and_then(Value::as_u64), Some(64));
    let modes: Vec<_> = spec.pointer("/persistence/properties/mode/enum").and_then(Value::as_array).expect("mode enum").clone();
    assert_eq!(modes, [json!("none"), json!("rdb"), json!("aof")]);
    let anti: Vec<_> = spec.pointer("/antiAffinity/enum").and_then(Value::as_array).expect("antiAffinity enum").clone();
    assert_eq!(anti, [json!("soft"), json!("hard"), json!("none")]);
}
