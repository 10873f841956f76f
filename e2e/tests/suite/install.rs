//! The install as a user makes it (e2e/run.sh: `helm install` with Helm v4 or v3, or
//! `kubectl apply --server-side -f manifests/install.yaml`): the CRD is Established, the operator is
//! available, runs as the chart's ServiceAccount and holds its leader Lease; and the real API server
//! refuses invalid RedisHAs with messages that name the field (structural schema and CEL rules).

use std::time::Duration;

use anyhow::{bail, ensure, Result};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use kube::ResourceExt;
use redis_ha_operator::crd::RedisHA;
use serde_json::{json, Value};

use crate::cluster::{setting, test_spec, wait_for, Cluster, TestNs};

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn the_operator_is_installed_and_holds_its_lease() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let crds = Api::<CustomResourceDefinition>::all(cluster.client.clone());
    let crd = crds.get("redishas.redisha.io").await?;
    let established = crd.status.and_then(|s| s.conditions).unwrap_or_default().iter().any(|c| c.type_ == "Established" && c.status == "True");
    ensure!(established, "the RedisHA CRD is Established");

    cluster.wait_operator_available().await?;
    let sa = setting("E2E_OPERATOR_SERVICE_ACCOUNT", "redis-ha-operator");
    let pods = cluster.operator_pods().await?;
    for p in &pods {
        let runs_as = p.spec.as_ref().and_then(|s| s.service_account_name.clone()).unwrap_or_default();
        ensure!(runs_as == sa, "operator pod {} runs as ServiceAccount {runs_as:?}, not the chart's {sa}", p.name_any());
    }
    if setting("E2E_EXPECT_LEASE", "1") == "1" {
        let names: Vec<String> = pods.iter().map(|p| p.name_any()).collect();
        let (holder, age) = wait_for("an operator pod to hold the leader Lease", Duration::from_secs(60), || async {
            Ok(cluster.lease_holder().await?.filter(|(h, age)| names.contains(h) && *age < Duration::from_secs(15)))
        })
        .await?;
        println!("leader Lease held by {holder}, renewed {age:?} ago");
    }
    Ok(())
}

/// Creates `spec` as RedisHA `name` and returns the API server's refusal.
async fn refusal(t: &TestNs, name: &str, spec: Value) -> Result<String> {
    // Raw JSON through server-side apply: the client's types would refuse some of these before sending.
    let obj = json!({"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "metadata": {"name": name}, "spec": spec});
    match t.api::<RedisHA>().patch(name, &PatchParams::apply("redis-ha-e2e"), &Patch::Apply(&obj)).await {
        Ok(_) => bail!("the API server accepted RedisHA {name} with spec {spec}"),
        Err(kube::Error::Api(e)) => {
            ensure!(e.code == 422, "RedisHA {name}: expected 422 Invalid, got {} {}", e.code, e.message);
            Ok(e.message)
        }
        Err(e) => Err(e.into()),
    }
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn invalid_redishas_are_rejected_naming_the_field() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let t = cluster.namespace("invalid").await?;
    let base = test_spec(3);
    let with = |patch: Value| {
        let mut s = base.clone();
        for (k, v) in patch.as_object().cloned().unwrap_or_default() {
            s[k] = v;
        }
        s
    };
    // (spec, the field the message must name, words the message must carry)
    let cases = [
        ("zero", with(json!({"replicas": 0})), "spec.replicas", "greater than or equal to 1"),
        ("fast", with(json!({"downAfterMilliseconds": 10})), "spec.downAfterMilliseconds", "greater than or equal to 100"),
        ("quorum", with(json!({"sentinels": 3, "quorum": 4})), "spec.quorum", "must not be greater than spec.sentinels"),
        ("managed", with(json!({"config": [{"name": "port", "value": "7000"}]})), "spec.config[0].name", "managed by the operator"),
        ("mode", with(json!({"persistence": {"mode": "sometimes"}})), "spec.persistence.mode", "Unsupported value"),
    ];
    for (name, spec, field, words) in cases {
        let msg = refusal(&t, name, spec).await?;
        println!("{name}: {msg}");
        ensure!(msg.contains(field) && msg.contains(words), "the refusal of {name} names {field} and says {words:?}: {msg}");
    }
    let long = "a".repeat(44);
    let msg = refusal(&t, &long, base.clone()).await?;
    ensure!(msg.contains("metadata.name must be at most 43 characters"), "a 44-character name is refused: {msg}");

    // Unknown fields are refused under strict field validation (kubectl's default).
    let obj = json!({"apiVersion": "redisha.io/v1alpha1", "kind": "RedisHA", "metadata": {"name": "typo"}, "spec": with(json!({"replicaz": 3}))});
    let mut pp = PatchParams::apply("redis-ha-e2e");
    pp.field_validation = Some(kube::api::ValidationDirective::Strict);
    match t.api::<RedisHA>().patch("typo", &pp, &Patch::Apply(&obj)).await {
        Ok(_) => bail!("an unknown field was accepted"),
        Err(kube::Error::Api(e)) => ensure!(e.message.contains("replicaz"), "the refusal names the unknown field: {}", e.message),
        Err(e) => return Err(e.into()),
    }

    // spec.persistence cannot change once created (a transition rule).
    let mut spec = base.clone();
    spec["persistence"] = json!({"mode": "none"});
    t.redisha("fixed", spec).await?;
    match t.patch_spec("fixed", json!({"persistence": {"mode": "aof", "size": "1Gi"}})).await {
        Ok(()) => bail!("spec.persistence changed after creation"),
        Err(e) => {
            let msg = format!("{e:#}");
            ensure!(msg.contains("spec.persistence is immutable after creation"), "the refusal names spec.persistence: {msg}");
        }
    }
    t.finish().await
}
