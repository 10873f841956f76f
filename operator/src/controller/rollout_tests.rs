//! The whole reconcile against the mocked API server, with the sentinels faked: which pod is
//! deleted (and with which precondition), what is never deleted, and the Events and status.

use std::sync::Arc;
use std::time::Duration;

use kube::runtime::controller::Action;
use serde_json::{json, Value};

use super::reconcile;
use crate::crd::{MasterStatus, RedisHA, RedisHASpec, RedisHAStatus};
use crate::fixtures::{self, ApiServerVerifier, FakeSentinels, Seen};
use crate::master::events::Addr;
use crate::resources::fixtures::rha;
use crate::resources::names::ROLE_LABEL;
use crate::rollout::apply::*;

const NEW: &str = "cache-5c8f7d";
const OLD: &str = "cache-77b6d4";

/// A RedisHA already seen at this generation (no advisory Events), its master recorded in status.
fn stored(master: Option<&str>) -> Arc<RedisHA> {
    let mut r = rha(RedisHASpec::default());
    r.status = Some(RedisHAStatus {
        observed_generation: Some(1),
        master: master.map(|m| MasterStatus { pod: m.into(), address: format!("{m}.cache-headless.prod.svc.cluster.local:6379"), since: None }),
        ..Default::default()
    });
    Arc::new(r)
}

/// `(revision, role, ready)` per ordinal.
fn pod_list(pods: &[(&str, &str, bool)]) -> Value {
    let items: Vec<Value> = pods
        .iter()
        .enumerate()
        .map(|(i, (rev, role, ready))| {
            json!({
                "metadata": {"name": format!("cache-{i}"), "namespace": "prod", "uid": format!("uid-{i}"),
                             "labels": {REVISION_LABEL: rev, ROLE_LABEL: role}},
                "spec": {"nodeName": "node-a", "containers": []},
                "status": {"podIP": format!("10.0.0.{i}"), "conditions": [{"type": "Ready", "status": if *ready { "True" } else { "False" }}]}
            })
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "7"}, "items": items})
}

/// Answers the ten applies; the data StatefulSet comes back with a status naming `NEW`, the
/// sentinels' with its roll done.
async fn children(api: &mut ApiServerVerifier) {
    children_with(api, false).await
}

/// [`children`], with the sentinel StatefulSet still rolling when `sentinels_rolling`.
async fn children_with(api: &mut ApiServerVerifier, sentinels_rolling: bool) {
    const SENTINEL_NEW: &str = "cache-sentinel-6d5f";
    for _ in 0..10 {
        let s = api
            .next_with(|s| {
                let (update, current) = if s.path.ends_with("/statefulsets/cache") {
                    (NEW, OLD)
                } else if s.path.ends_with("/statefulsets/cache-sentinel") {
                    (SENTINEL_NEW, if sentinels_rolling { "cache-sentinel-1a2b" } else { SENTINEL_NEW })
                } else {
                    return None;
                };
                let mut sts = s.body.clone();
                sts["metadata"]["generation"] = json!(2);
                sts["status"] =
                    json!({"observedGeneration": 2, "replicas": 3, "readyReplicas": 3, "updateRevision": update, "currentRevision": current});
                Some(sts)
            })
            .await;
        assert_eq!(s.method, "PATCH", "{}", s.path);
    }
}

async fn list_pods(api: &mut ApiServerVerifier, pods: &[(&str, &str, bool)]) {
    let s = api.next(Some(pod_list(pods))).await;
    assert_eq!((s.method.as_str(), s.path.as_str()), ("GET", "/api/v1/namespaces/prod/pods"));
    assert!(s.query.contains("labelSelector=app.kubernetes.io%2Fcomponent%3Ddata"), "{}", s.query);
}

fn status_of(s: &Seen) -> (String, Value) {
    assert!(s.path.ends_with("/redishas/cache/status"), "{} {}", s.method, s.path);
    let updating = s.body["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == "Updating").cloned());
    (s.body["status"]["phase"].as_str().unwrap_or_default().to_string(), updating.unwrap_or(Value::Null))
}

fn deleted() -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "status": "Success", "code": 200, "metadata": {}})
}

#[tokio::test]
async fn a_stale_replica_is_deleted_highest_ordinal_first_with_its_uid() {
    let (ctx, mut api) = fixtures::context();
    let watchers = ctx.watchers.clone();
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), Arc::new(ctx)));
    children(&mut api).await;
    list_pods(&mut api, &[(OLD, "master", true), (OLD, "replica", true), (OLD, "replica", true)]).await;

    let s = api.next(Some(deleted())).await;
    assert_eq!((s.method.as_str(), s.path.as_str()), ("DELETE", "/api/v1/namespaces/prod/pods/cache-2"));
    assert_eq!(s.body["preconditions"], json!({"uid": "uid-2"}), "deleted only if it is still the same pod");
    let s = api.next(None).await;
    assert_eq!(s.path, "/apis/events.k8s.io/v1/namespaces/prod/events");
    assert_eq!((s.body["type"].as_str(), s.body["reason"].as_str()), (Some("Normal"), Some("RollingUpdate")));
    assert_eq!(s.body["note"], format!("Restarting replica pod cache-2 for revision {NEW}"));
    let (phase, updating) = status_of(&api.next(None).await);
    assert_eq!(phase, "Updating");
    assert_eq!((updating["status"].as_str(), updating["reason"].as_str()), (Some("True"), Some("RestartingReplica")));

    assert_eq!(task.await.expect("task").expect("reconcile"), Action::requeue(Duration::from_secs(5)), "a roll requeues soon");
    assert!(api.idle(100).await);
    watchers.stop_all();
}

#[tokio::test]
async fn nothing_is_deleted_while_a_pod_is_unready() {
    let (ctx, mut api) = fixtures::context();
    let watchers = ctx.watchers.clone();
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), Arc::new(ctx)));
    children(&mut api).await;
    // cache-2 was restarted and is still syncing; cache-1 is stale but must wait for it.
    list_pods(&mut api, &[(OLD, "master", true), (OLD, "replica", true), (NEW, "replica", false)]).await;
    let (phase, updating) = status_of(&api.next(None).await);
    assert_eq!(phase, "Updating");
    assert_eq!(updating["reason"], "Waiting");
    assert!(updating["message"].as_str().is_some_and(|m| m.contains("1/3") && m.contains("cache-2 is not ready")), "{updating}");
    task.await.expect("task").expect("reconcile");
    assert!(api.idle(100).await, "no DELETE, no Event");
    watchers.stop_all();
}

#[tokio::test]
async fn the_master_is_switched_over_then_deleted_only_once_demoted() {
    let (mut ctx, mut api) = fixtures::context();
    let sentinels =
        FakeSentinels::new(FailoverOutcome::Requested(Addr::new("cache-sentinel-1.cache-sentinel-headless.prod.svc.cluster.local", 26379)));
    ctx.rollouts = sentinels.rollouts();
    let watchers = ctx.watchers.clone();
    let ctx = Arc::new(ctx);
    let stale_master = [(OLD, "master", true), (NEW, "replica", true), (NEW, "replica", true)];

    // Only the master is stale: no DELETE, a switchover through the sentinels, and an Event.
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), ctx.clone()));
    children(&mut api).await;
    list_pods(&mut api, &stale_master).await;
    let s = api.next(None).await;
    assert_eq!(s.method, "POST", "an Event, not a deletion: {}", s.path);
    assert_eq!(s.body["note"], "Switching over from master cache-0 before restarting it (asked sentinel cache-sentinel-1.cache-sentinel-headless.prod.svc.cluster.local:26379)");
    let (_, updating) = status_of(&api.next(None).await);
    assert_eq!(updating["reason"], "SwitchingOver");
    task.await.expect("task").expect("reconcile");
    let reqs = sentinels.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!((reqs[0].pod.as_str(), reqs[0].pod_ip.as_deref(), reqs[0].master_set.as_str()), ("cache-0", Some("10.0.0.0"), "cache"));
    assert_eq!(reqs[0].sentinels.len(), 3);

    // The sentinels have not switched yet: nothing is asked again and nothing is deleted.
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), ctx.clone()));
    children(&mut api).await;
    list_pods(&mut api, &stale_master).await;
    let (_, updating) = status_of(&api.next(None).await);
    assert_eq!(updating["reason"], "SwitchingOver");
    task.await.expect("task").expect("reconcile");
    assert_eq!(sentinels.requests().len(), 1, "one request per switchover");

    // Switched and relabelled: the former master, now a stale replica, is deleted.
    let task = tokio::spawn(reconcile(stored(Some("cache-1")), ctx.clone()));
    children(&mut api).await;
    list_pods(&mut api, &[(OLD, "replica", true), (NEW, "master", true), (NEW, "replica", true)]).await;
    let s = api.next(Some(deleted())).await;
    assert_eq!((s.method.as_str(), s.path.as_str()), ("DELETE", "/api/v1/namespaces/prod/pods/cache-0"));
    let s = api.next(None).await;
    assert_eq!(s.body["note"], format!("Restarting former master pod cache-0 for revision {NEW}; 10.0.0.1:6379 took over at its offset 42"));
    let (_, updating) = status_of(&api.next(None).await);
    assert_eq!(updating["reason"], "RestartingFormerMaster");
    task.await.expect("task").expect("reconcile");

    // Everything updated: the roll is over (Degraded only because no watcher reports a master here).
    let task = tokio::spawn(reconcile(stored(Some("cache-1")), ctx.clone()));
    children(&mut api).await;
    list_pods(&mut api, &[(NEW, "replica", true), (NEW, "master", true), (NEW, "replica", true)]).await;
    let (phase, updating) = status_of(&api.next(None).await);
    assert_eq!((phase.as_str(), updating["status"].as_str(), updating["reason"].as_str()), ("Degraded", Some("False"), Some("UpToDate")));
    assert_eq!(task.await.expect("task").expect("reconcile"), Action::requeue(Duration::from_secs(60)));
    watchers.stop_all();
}

#[tokio::test]
async fn no_switchover_while_the_sentinels_roll() {
    let (mut ctx, mut api) = fixtures::context();
    let sentinels = FakeSentinels::new(FailoverOutcome::Requested(Addr::new("cache-sentinel-0", 26379)));
    ctx.rollouts = sentinels.rollouts();
    let watchers = ctx.watchers.clone();
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), Arc::new(ctx)));
    children_with(&mut api, true).await;
    list_pods(&mut api, &[(OLD, "master", true), (NEW, "replica", true), (NEW, "replica", true)]).await;
    let (phase, updating) = status_of(&api.next(None).await);
    assert_eq!((phase.as_str(), updating["reason"].as_str()), ("Updating", Some("Waiting")));
    assert!(updating["message"].as_str().is_some_and(|m| m.contains("the sentinels are rolling")), "{updating}");
    task.await.expect("task").expect("reconcile");
    assert!(sentinels.requests().is_empty(), "the sentinels are not asked while they restart");
    assert!(api.idle(100).await, "no DELETE, no Event");
    watchers.stop_all();
}

#[tokio::test]
async fn a_refused_switchover_is_a_warning_and_the_master_stays() {
    let (ctx, mut api) = fixtures::context();
    let watchers = ctx.watchers.clone();
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), Arc::new(ctx)));
    children(&mut api).await;
    list_pods(&mut api, &[(OLD, "master", true), (NEW, "replica", true), (NEW, "replica", true)]).await;
    let s = api.next(None).await;
    assert_eq!((s.body["type"].as_str(), s.body["reason"].as_str()), (Some("Warning"), Some("SwitchoverFailed")));
    assert!(s.body["note"].as_str().is_some_and(|n| n.contains("cache-0") && n.contains("no sentinels in this test")), "{}", s.body);
    status_of(&api.next(None).await);
    task.await.expect("task").expect("reconcile");
    assert!(api.idle(100).await, "no DELETE");
    watchers.stop_all();
}

#[tokio::test]
async fn a_pod_replaced_meanwhile_is_not_an_error_and_gets_no_event() {
    let (ctx, mut api) = fixtures::context();
    let watchers = ctx.watchers.clone();
    let task = tokio::spawn(reconcile(stored(Some("cache-0")), Arc::new(ctx)));
    children(&mut api).await;
    list_pods(&mut api, &[(OLD, "master", true), (NEW, "replica", true), (OLD, "replica", true)]).await;
    let conflict = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409,
                          "message": "Precondition failed: UID in precondition: uid-2, UID in object meta: uid-9"});
    let s = api.next(Some(conflict)).await;
    assert_eq!(s.method, "DELETE");
    status_of(&api.next(None).await);
    task.await.expect("task").expect("reconcile");
    watchers.stop_all();
}

#[tokio::test]
async fn a_statefulset_without_status_lists_no_pods() {
    // The first apply of a new set: no revision yet, so no roll and no pod list.
    let (ctx, mut api) = fixtures::context();
    let watchers = ctx.watchers.clone();
    let task = tokio::spawn(reconcile(stored(None), Arc::new(ctx)));
    for _ in 0..10 {
        api.next(None).await;
    }
    let (_, updating) = status_of(&api.next(None).await);
    assert_eq!(updating["reason"], "NoRollout");
    task.await.expect("task").expect("reconcile");
    watchers.stop_all();
}
