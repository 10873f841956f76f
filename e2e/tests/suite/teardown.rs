//! Teardown: uninstall as the README says (run last by e2e/run.sh): every RedisHA deleted, then the release
//! (`helm uninstall`, or `kubectl delete -f manifests/install.yaml`), then the CRD the chart keeps. The
//! persistent volume claims of `rdb`/`aof` RedisHAs stay, as documented, until deleted by hand.

use std::time::Duration;

use anyhow::{ensure, Result};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams};

use crate::cluster::{kubectl, operator_namespace, setting, test_spec, wait_for, Cluster};

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh (last: it uninstalls)"]
async fn uninstall_as_documented_keeps_the_volume_claims() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let t = cluster.namespace("uninstall").await?;
    let mut spec = test_spec(3);
    spec["persistence"] = serde_json::json!({"mode": "aof", "size": "1Gi"});
    t.redisha("kept", spec).await?;
    t.wait_ready("kept", 3, Duration::from_secs(300)).await?;

    kubectl(&["delete", "rha", "--all", "-A", "--wait=true"])?;
    match setting("E2E_INSTALL", "helm").as_str() {
        "manifests" => {
            let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../manifests/install.yaml");
            kubectl(&["delete", "-f", file, "--wait=true"])?;
        }
        _ => {
            let helm = setting("E2E_HELM", "helm");
            let out = std::process::Command::new(&helm).args(["uninstall", "redis-ha-operator", "-n", &operator_namespace(), "--wait"]).output()?;
            ensure!(out.status.success(), "{helm} uninstall: {}", String::from_utf8_lossy(&out.stderr));
            kubectl(&["delete", "crd", "redishas.redisha.io", "--wait=true"])?;
        }
    }
    let deployments = Api::<Deployment>::namespaced(cluster.client.clone(), &operator_namespace());
    wait_for("the operator Deployment to be gone", Duration::from_secs(120), || async {
        Ok(deployments.list(&ListParams::default().labels("app.kubernetes.io/name=redis-ha-operator")).await?.items.is_empty().then_some(()))
    })
    .await?;
    let crds = Api::<CustomResourceDefinition>::all(cluster.client.clone());
    wait_for("the CRD to be gone", Duration::from_secs(120), || async { Ok(crds.get_opt("redishas.redisha.io").await?.is_none().then_some(())) })
        .await?;
    wait_for("the RedisHA's pods to be gone", Duration::from_secs(180), || async {
        Ok(t.api::<Pod>().list(&ListParams::default()).await?.items.is_empty().then_some(()))
    })
    .await?;
    let claims = t.api::<PersistentVolumeClaim>().list(&ListParams::default().labels("app.kubernetes.io/instance=kept")).await?.items;
    ensure!(claims.len() == 3, "the 3 volume claims stay after uninstall, found {}", claims.len());
    kubectl(&["-n", &t.name, "delete", "pvc", "-l", "app.kubernetes.io/name=redis-ha,app.kubernetes.io/instance=kept"])?;
    t.finish().await
}
