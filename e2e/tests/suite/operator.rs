//! The operator itself on a real cluster: two replicas share one leader Lease, and deleting the leader
//! hands it on at once to a pod that goes on reconciling; an operator restarted in the middle of a failover
//! converges; a deleted RedisHA's switch-master watcher stops (no finalizer: the janitor notices); and
//! in all of it the operator, running with exactly the chart's ServiceAccount and RBAC, was never
//! refused by the API server (a verb missing from the chart's rules shows up here).

use std::time::Duration;

use anyhow::{ensure, Result};
use k8s_openapi::api::core::v1::Service;
use kube::api::{DeleteParams, LogParams};
use kube::ResourceExt;

use crate::cluster::{operator_namespace, test_spec, wait_for, Cluster};
use crate::failover::{check_keys, ready_set, wait_switched, write_keys, NAME, READY};
use redis_ha_operator::crd::RedisHA;

/// The leader gives the Lease up when it stops, and the others watch it: the Lease changes hands well
/// within its 15 s duration. Which pod takes it — the standby, or the leader's replacement if it is up
/// by the time the release is written — is a fair race between watchers; either way it is a running
/// operator pod other than the one deleted.
#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn deleting_the_leader_hands_the_lease_on_within_its_duration() -> Result<()> {
    let (t, _) = ready_set("leader", 3).await?;
    let cluster = t.cluster.clone();
    let pods: Vec<String> = cluster.operator_pods().await?.iter().map(|p| p.name_any()).collect();
    ensure!(pods.len() == 2, "the suite installs two operator replicas, found {pods:?}");
    let (leader, _) = cluster.lease_holder().await?.ok_or_else(|| anyhow::anyhow!("no leader Lease"))?;
    ensure!(pods.contains(&leader), "the Lease holder {leader} is one of the operator pods {pods:?}");

    let deleted = std::time::Instant::now();
    cluster.delete_operator_pod(&leader).await?;
    let (holder, _) = wait_for("another pod to take the Lease", Duration::from_secs(60), || async {
        Ok(cluster.lease_holder().await?.filter(|(h, age)| *h != leader && *age < Duration::from_secs(10)))
    })
    .await?;
    let handover = deleted.elapsed();
    let now: Vec<String> = cluster.operator_pods().await?.iter().map(|p| p.name_any()).collect();
    println!("Lease: {leader} -> {holder} in {handover:?} (operator pods then: {now:?})");
    ensure!(now.contains(&holder), "the new holder {holder} is a running operator pod {now:?}");
    // Without the release the Lease would only expire after 15 s, and a standby polling every 4 s
    // would take up to 19 s.
    ensure!(handover < Duration::from_secs(10), "the Lease changed hands in {handover:?}, not well within its 15 s duration");

    // The new leader reconciles: a Service deleted by hand comes back.
    t.api::<Service>().delete("cache-replicas", &DeleteParams::default()).await?;
    wait_for("the new leader to re-create cache-replicas", Duration::from_secs(60), || async {
        Ok(t.api::<Service>().get_opt("cache-replicas").await?.filter(|s| s.metadata.deletion_timestamp.is_none()).map(|_| ()))
    })
    .await?;
    cluster.wait_operator_available().await?;
    t.finish().await
}

#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn the_operator_restarted_mid_failover_converges() -> Result<()> {
    let (t, old) = ready_set("restart", 3).await?;
    write_keys(&t, 300, 3).await?;
    let operators = t.cluster.operator_pods().await?;
    ensure!(!operators.is_empty(), "no operator pod found in the operator namespace");

    // The master and every operator pod go at once: the sentinels fail over while no operator watches.
    t.delete_pod(&old).await?;
    for p in &operators {
        t.cluster.delete_operator_pod(&p.name_any()).await?;
    }
    let gone: Vec<String> = operators.iter().map(|p| p.name_any()).collect();
    wait_for("a new operator pod to be ready", Duration::from_secs(180), || async {
        let pods = t.cluster.operator_pods().await?;
        let ready = |p: &k8s_openapi::api::core::v1::Pod| {
            p.status.as_ref().and_then(|s| s.conditions.as_ref()).is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        };
        Ok(pods.iter().any(|p| !gone.contains(&p.name_any()) && ready(p)).then_some(()))
    })
    .await?;
    t.cluster.wait_operator_available().await?;
    let new = wait_switched(&t, &old, Duration::from_secs(180)).await?;
    println!("after the operator restart the master is {new}");
    check_keys(&t, 300).await?;
    t.wait_ready(NAME, 3, READY).await?;
    t.finish().await
}

/// A RedisHA deleted without a finalizer gets no last reconcile: the janitor, comparing the running
/// watchers with the RedisHAs that exist every 10 s, stops its switch-master watcher (which would
/// otherwise go on dialling sentinels that no longer exist).
#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn a_deleted_redishas_watcher_stops() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let t = cluster.namespace("janitor").await?;
    t.redisha(NAME, test_spec(1)).await?;
    let api = kube::Api::<k8s_openapi::api::core::v1::Pod>::namespaced(cluster.client.clone(), &operator_namespace());
    let leader_log = |what: &'static str| {
        let (api, cluster, ns) = (api.clone(), cluster.clone(), t.name.clone());
        async move {
            let Some((leader, _)) = cluster.lease_holder().await? else { return Ok(None) };
            let logs = api.logs(&leader, &LogParams::default()).await?;
            Ok(logs.lines().any(|l| l.contains(what) && l.contains(&ns)).then_some(()))
        }
    };
    wait_for("the leader to start the RedisHA's watcher", Duration::from_secs(60), || leader_log("switch-master watcher started")).await?;
    t.api::<RedisHA>().delete(NAME, &DeleteParams::default()).await?;
    let deleted = std::time::Instant::now();
    wait_for("the janitor to stop the deleted RedisHA's watcher", Duration::from_secs(45), || leader_log("switch-master watcher stopped")).await?;
    println!("the deleted RedisHA's watcher stopped {:?} after the delete", deleted.elapsed());
    t.finish().await
}

/// Run last in a phase (e2e/run.sh): the logs of the operator pods running now hold no refusal from the
/// API server. The pods run as the chart's ServiceAccount (checked by `install::`).
#[tokio::test]
#[ignore = "needs a cluster with the operator installed: run e2e/run.sh"]
async fn the_operator_was_never_refused_by_the_api_server() -> Result<()> {
    let cluster = Cluster::connect().await?;
    let api = kube::Api::<k8s_openapi::api::core::v1::Pod>::namespaced(cluster.client.clone(), &operator_namespace());
    let pods = cluster.operator_pods().await?;
    ensure!(!pods.is_empty(), "no operator pod");
    for p in pods {
        let logs = api.logs(&p.name_any(), &LogParams::default()).await?;
        // RBAC's refusal reads `... is forbidden: User "system:serviceaccount:..." cannot <verb> ...`; the
        // other 403, "unable to create new content in namespace ... because it is being terminated",
        // is a test namespace going away, not a missing permission.
        let refused: Vec<&str> = logs.lines().filter(|l| l.contains("is forbidden: User")).take(5).collect();
        ensure!(refused.is_empty(), "operator pod {} was refused by the API server: {refused:#?}", p.name_any());
    }
    Ok(())
}
