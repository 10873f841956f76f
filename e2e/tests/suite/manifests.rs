//! The RedisHAs users apply first — `manifests/examples/*.yaml` and the chart's `redisHA` values in
//! `ci/max-values.yaml` — pass the CRD's CEL rules (run through kube-cel, as `operator/tests/crd.rs`
//! does) and the operator's own spec checks. No cluster needed. The schema side (types, bounds, unknown
//! fields) is checked by scripts/check-packaging.sh against the same CRD.

use std::path::{Path, PathBuf};

use kube::core::cel::Validator;
use kube::CustomResourceExt;
use redis_ha_operator::crd::RedisHA;
use serde::Deserialize;
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema() -> Value {
    let crd = serde_json::to_value(RedisHA::crd()).expect("the CRD serialises");
    crd.pointer("/spec/versions/0/schema/openAPIV3Schema").cloned().expect("the CRD has a schema")
}

/// Every RedisHA document of the examples, with the file it came from.
fn examples() -> Vec<(String, Value)> {
    let dir = repo().join("manifests/examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("manifests/examples").map(|e| e.expect("dir entry").path()).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")) {
        let text = std::fs::read_to_string(&f).expect("example readable");
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let v = Value::deserialize(doc).expect("example is YAML");
            if v["kind"] == "RedisHA" {
                out.push((f.file_name().unwrap_or_default().to_string_lossy().into_owned(), v));
            }
        }
    }
    out
}

/// The RedisHA the chart renders from ci/max-values.yaml (its spec is passed through verbatim).
fn chart_redisha() -> Value {
    let text = std::fs::read_to_string(repo().join("charts/redis-ha-operator/ci/max-values.yaml")).expect("max-values.yaml");
    let values: Value = serde_yaml::from_str(&text).expect("max-values.yaml is YAML");
    json!({"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "metadata": {"name": values["redisHA"]["name"], "namespace": "default"},
           "spec": values["redisHA"]["spec"]})
}

/// CEL violations (field, message) of `obj` on creation.
fn violations(obj: &Value) -> Vec<(String, String)> {
    match Validator::new().validate(&schema(), obj, None) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_vec().into_iter().map(|e| (e.field_path, e.message)).collect(),
    }
}

fn parse(obj: &Value) -> RedisHA {
    let mut obj = obj.clone();
    // Stored objects always have a namespace; the examples take the one `kubectl apply` uses.
    obj["metadata"]["namespace"] = obj["metadata"]["namespace"].as_str().unwrap_or("default").into();
    serde_json::from_value(obj).expect("the operator reads it as a RedisHA")
}

#[test]
fn there_are_the_three_examples() {
    let names: Vec<String> = examples().into_iter().map(|(f, _)| f).collect();
    assert_eq!(names, ["fast-failover.yaml", "minimal.yaml", "persistent-auth.yaml"]);
}

#[test]
fn the_examples_and_the_chart_redisha_pass_the_cel_rules_and_the_operator_checks() {
    let mut all = examples();
    all.push(("ci/max-values.yaml".into(), chart_redisha()));
    for (file, obj) in all {
        assert_eq!(violations(&obj), Vec::<(String, String)>::new(), "{file}: CEL rules");
        let rha = parse(&obj);
        let problems: Vec<String> = rha.spec.problems().iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "{file}: the operator refuses it: {problems:?}");
        let advisories = rha.spec.advisories();
        if file == "minimal.yaml" {
            assert!(advisories.len() == 1 && advisories[0].contains("spec.auth"), "{file}: only the missing password is risky: {advisories:?}");
        } else {
            assert!(advisories.is_empty(), "{file}: an example to copy must not draw a RiskySpec warning: {advisories:?}");
        }
    }
}

#[test]
fn the_examples_show_what_their_names_promise() {
    let by_file = |name: &str| examples().into_iter().find(|(f, _)| f == name).map(|(_, v)| parse(&v)).expect(name);
    let persistent = by_file("persistent-auth.yaml");
    assert!(persistent.spec.auth.is_some() && persistent.spec.persistence.mode != redis_ha_operator::crd::PersistenceMode::None);
    let fast = by_file("fast-failover.yaml");
    assert!(fast.spec.down_after_milliseconds < 5000, "faster than the default down-after");
    assert!(fast.spec.min_replicas_to_write.is_some_and(|m| m >= 1));
    assert!(fast.spec.auth.is_some());
}

#[test]
fn the_cel_check_is_not_vacuous() {
    let (_, mut obj) = examples().into_iter().find(|(f, _)| f == "fast-failover.yaml").expect("fast-failover.yaml");
    obj["spec"]["minReplicasToWrite"] = json!(3);
    assert_eq!(violations(&obj).len(), 1, "minReplicasToWrite must stay below replicas");
    obj["spec"]["minReplicasToWrite"] = json!(1);
    obj["spec"]["config"] = json!([{"name": "replicaof", "value": "evil 6379"}]);
    assert_eq!(violations(&obj).len(), 1, "owned directives are refused");
}
