//! Leader election through a `coordination.k8s.io/v1` Lease, so two operator replicas never both move
//! master labels. The decision is pure ([`decide`]); the loop around it uses optimistic concurrency
//! (replace with the read resourceVersion), so two candidates racing for an expired lease cannot both win.
//!
//! A leader that cannot renew before its lease expires stops leading (the process exits and restarts as
//! a candidate): acting on a lease it may have lost is exactly the two-writers case this prevents.
//!
//! A leader that stops on purpose (SIGTERM, a rolling update) gives the lease up ([`release`], like
//! client-go's `ReleaseOnCancel`), so a standby, which watches the Lease, takes over at once instead of after
//! the lease duration. Its caller must have stopped everything the lease guards first.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Api, PostParams, WatchEvent, WatchParams};

use crate::error::{Error, Result};
use crate::readiness::Readiness;

/// Lease settings.
#[derive(Debug, Clone)]
pub struct LeaseConfig {
    pub name: String,
    pub identity: String,
    /// How long a lease stays valid without renewal.
    pub duration: Duration,
    /// How often the leader renews (well under `duration`).
    pub renew_every: Duration,
}

/// What a candidate or leader should do with the lease it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Take it: free, expired, or ours.
    Take,
    /// Someone else holds it; look again later.
    Wait,
}

/// Pure: may `me` take (or renew) the lease as read at `now`?
pub fn decide(spec: Option<&LeaseSpec>, me: &str, now: Timestamp) -> Step {
    let Some(spec) = spec else { return Step::Take };
    let holder = spec.holder_identity.as_deref().unwrap_or("");
    if holder.is_empty() || holder == me {
        return Step::Take;
    }
    let seconds = i64::from(spec.lease_duration_seconds.unwrap_or(0).max(0));
    let renewed = spec.renew_time.as_ref().or(spec.acquire_time.as_ref()).map(|t| t.0);
    match renewed {
        Some(at) if at + SignedDuration::from_secs(seconds) > now => Step::Wait,
        _ => Step::Take,
    }
}

/// The lease spec `me` writes when taking or renewing.
pub fn next_spec(previous: Option<&LeaseSpec>, me: &str, cfg: &LeaseConfig, now: Timestamp) -> LeaseSpec {
    let ours = previous.and_then(|p| p.holder_identity.as_deref()) == Some(me);
    let transitions = previous.and_then(|p| p.lease_transitions).unwrap_or(0);
    LeaseSpec {
        holder_identity: Some(me.to_string()),
        lease_duration_seconds: Some(i32::try_from(cfg.duration.as_secs()).unwrap_or(i32::MAX)),
        acquire_time: if ours { previous.and_then(|p| p.acquire_time.clone()) } else { Some(MicroTime(now)) },
        renew_time: Some(MicroTime(now)),
        lease_transitions: Some(if ours { transitions } else { transitions + 1 }),
        ..LeaseSpec::default()
    }
}

/// Lease duration written on release: client-go's value, for candidates that only look at the clock.
const RELEASED_DURATION_SECONDS: i32 = 1;
/// How long a release may take; shutdown must not hang on an API server that does not answer.
const RELEASE_TIMEOUT: Duration = Duration::from_secs(5);

/// Pure: the spec that gives up `me`'s lease as read, or None when `me` does not hold it (nothing to give).
/// As client-go's release: no holder, a 1-second duration renewed now, the transition count kept.
pub fn released_spec(previous: Option<&LeaseSpec>, me: &str, now: Timestamp) -> Option<LeaseSpec> {
    let previous = previous?;
    if previous.holder_identity.as_deref() != Some(me) {
        return None;
    }
    Some(LeaseSpec {
        holder_identity: None,
        lease_duration_seconds: Some(RELEASED_DURATION_SECONDS),
        acquire_time: Some(MicroTime(now)),
        renew_time: Some(MicroTime(now)),
        lease_transitions: previous.lease_transitions,
        ..LeaseSpec::default()
    })
}

/// Gives the lease up if this replica holds it; true when it did. The replace carries the resourceVersion
/// just read, so a lease someone else took meanwhile is left alone (a 409, false).
pub async fn release(api: &Api<Lease>, cfg: &LeaseConfig) -> Result<bool> {
    let Some(mut lease) = api.get_opt(&cfg.name).await.map_err(Error::Kube)? else { return Ok(false) };
    let Some(spec) = released_spec(lease.spec.as_ref(), &cfg.identity, Timestamp::now()) else { return Ok(false) };
    lease.spec = Some(spec);
    match api.replace(&cfg.name, &PostParams::default(), &lease).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
        Err(e) => Err(Error::Kube(e)),
    }
}

/// One attempt: true if `me` holds the lease afterwards.
pub async fn try_take(api: &Api<Lease>, cfg: &LeaseConfig) -> Result<bool> {
    Ok(attempt(api, cfg).await?.0)
}

/// One attempt: whether `me` holds the lease afterwards, and the resourceVersion of the lease as read
/// when someone else holds it (where a standby starts watching for its release).
async fn attempt(api: &Api<Lease>, cfg: &LeaseConfig) -> Result<(bool, Option<String>)> {
    let now = Timestamp::now();
    match api.get_opt(&cfg.name).await.map_err(Error::Kube)? {
        None => {
            let lease = Lease {
                metadata: ObjectMeta { name: Some(cfg.name.clone()), ..ObjectMeta::default() },
                spec: Some(next_spec(None, &cfg.identity, cfg, now)),
            };
            match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok((true, None)),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok((false, None)),
                Err(e) => Err(Error::Kube(e)),
            }
        }
        Some(mut lease) => {
            if decide(lease.spec.as_ref(), &cfg.identity, now) == Step::Wait {
                return Ok((false, lease.metadata.resource_version));
            }
            lease.spec = Some(next_spec(lease.spec.as_ref(), &cfg.identity, cfg, now));
            // resourceVersion from the read: a concurrent writer makes this a 409, and we lose the race.
            match api.replace(&cfg.name, &PostParams::default(), &lease).await {
                Ok(_) => Ok((true, None)),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok((false, None)),
                Err(e) => Err(Error::Kube(e)),
            }
        }
    }
}

/// Returns when the lease changes after `resource_version` (a renewal, or the release a leader writes
/// when it stops), or after `cfg.renew_every` at the latest. Watching rather than only polling is what
/// lets a standby take a released lease within milliseconds, before a replacement pod of the old leader
/// has even started. A watch that fails or ends early (a compacted resourceVersion, a refused verb)
/// just leaves the poll period to run out.
async fn lease_changed(api: &Api<Lease>, cfg: &LeaseConfig, resource_version: &str) {
    let seconds = u32::try_from(cfg.renew_every.as_secs().max(1)).unwrap_or(u32::MAX);
    let params = WatchParams::default().fields(&format!("metadata.name={}", cfg.name)).timeout(seconds);
    let changed = async {
        if let Ok(events) = api.watch(&params, resource_version).await {
            futures::pin_mut!(events);
            while let Some(event) = events.next().await {
                if matches!(event, Ok(WatchEvent::Added(_) | WatchEvent::Modified(_) | WatchEvent::Deleted(_))) {
                    return;
                }
                if !matches!(event, Ok(WatchEvent::Bookmark(_))) {
                    break;
                }
            }
        }
        std::future::pending::<()>().await;
    };
    let _ = tokio::time::timeout(cfg.renew_every, changed).await;
}

/// Blocks until this replica leads. Each Lease call that succeeds, won or not, is reported to `ready`:
/// a standby that keeps up with the Lease is ready to take over. Between attempts it watches the Lease,
/// so a release is acted on at once.
pub async fn acquire(api: &Api<Lease>, cfg: &LeaseConfig, ready: &Readiness) {
    loop {
        let held_at = match attempt(api, cfg).await {
            Ok((true, _)) => {
                ready.lease_ok();
                return;
            }
            Ok((false, held_at)) => {
                ready.lease_ok();
                held_at
            }
            Err(e) => {
                tracing::warn!(error = %e, "leader election");
                None
            }
        };
        match held_at {
            Some(resource_version) => lease_changed(api, cfg, &resource_version).await,
            None => tokio::time::sleep(cfg.renew_every).await,
        }
    }
}

/// Why [`hold`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenure {
    /// The lease is lost or could not be renewed in time: someone else may lead now.
    Lost,
    /// Stopped on request; the lease was given up if it was still ours.
    Released,
}

/// Renews until a renewal cannot be made before the lease would expire (`Lost`), or until `stop`
/// resolves: then it stops renewing and gives the lease up (`Released`). Resolve `stop` only once
/// nothing the lease guards runs any more. Each renewal is reported to `ready`.
pub async fn hold(api: &Api<Lease>, cfg: &LeaseConfig, ready: &Readiness, stop: impl Future<Output = ()>) -> Tenure {
    tokio::pin!(stop);
    let mut last_ok = tokio::time::Instant::now();
    loop {
        // NB: `stop` wins over a renewal due at the same moment. A renewal dropped in flight may still
        // land; release reads the lease afresh, and the resourceVersion fails whichever write is second.
        let renewed = tokio::select! {
            biased;
            () = &mut stop => break,
            r = async {
                tokio::time::sleep(cfg.renew_every).await;
                try_take(api, cfg).await
            } => r,
        };
        match renewed {
            Ok(true) => {
                last_ok = tokio::time::Instant::now();
                ready.lease_ok();
            }
            Ok(false) => return Tenure::Lost,
            Err(e) => tracing::warn!(error = %e, "lease renewal failed"),
        }
        // Stop before the lease runs out, with a renewal period of margin.
        if last_ok.elapsed() + cfg.renew_every >= cfg.duration {
            return Tenure::Lost;
        }
    }
    match tokio::time::timeout(RELEASE_TIMEOUT, release(api, cfg)).await {
        Ok(Ok(true)) => tracing::info!(identity = %cfg.identity, "released the leader lease"),
        Ok(Ok(false)) => tracing::info!(identity = %cfg.identity, "the leader lease was no longer ours to release"),
        Ok(Err(e)) => tracing::warn!(error = %e, "could not release the leader lease; it expires on its own"),
        Err(_) => tracing::warn!("releasing the leader lease timed out; it expires on its own"),
    }
    Tenure::Released
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use serde_json::{json, Value};

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn held(by: &str, renewed: &str, secs: i32) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(by.into()),
            renew_time: Some(MicroTime(at(renewed))),
            lease_duration_seconds: Some(secs),
            ..LeaseSpec::default()
        }
    }

    #[test]
    fn decide_table() {
        let now = at("2026-01-01T00:00:10Z");
        assert_eq!(decide(None, "a", now), Step::Take, "no lease");
        assert_eq!(decide(Some(&LeaseSpec::default()), "a", now), Step::Take, "no holder");
        assert_eq!(decide(Some(&held("a", "2026-01-01T00:00:09Z", 15)), "a", now), Step::Take, "ours: renew");
        assert_eq!(decide(Some(&held("b", "2026-01-01T00:00:00Z", 15)), "a", now), Step::Wait, "b's, 5 s left");
        assert_eq!(decide(Some(&held("b", "2026-01-01T00:00:00Z", 10)), "a", now), Step::Take, "b's, expired exactly now");
        assert_eq!(decide(Some(&held("b", "2025-12-31T23:00:00Z", 15)), "a", now), Step::Take, "b's, long expired");
        let no_times = LeaseSpec { holder_identity: Some("b".into()), ..LeaseSpec::default() };
        assert_eq!(decide(Some(&no_times), "a", now), Step::Take, "a holder that never renewed");
    }

    #[test]
    fn transitions_count_changes_of_holder_only() {
        let cfg = LeaseConfig { name: "l".into(), identity: "a".into(), duration: Duration::from_secs(15), renew_every: Duration::from_secs(5) };
        let now = at("2026-01-01T00:00:10Z");
        let first = next_spec(None, "a", &cfg, now);
        assert_eq!((first.lease_transitions, first.lease_duration_seconds), (Some(1), Some(15)));
        let renewed = next_spec(Some(&first), "a", &cfg, at("2026-01-01T00:00:15Z"));
        assert_eq!(renewed.lease_transitions, Some(1));
        assert_eq!(renewed.acquire_time, first.acquire_time);
        assert_eq!(renewed.renew_time, Some(MicroTime(at("2026-01-01T00:00:15Z"))));
        let taken = next_spec(Some(&held("b", "2026-01-01T00:00:00Z", 15)), "a", &cfg, now);
        assert_eq!(taken.holder_identity.as_deref(), Some("a"));
        assert_eq!(taken.lease_transitions, Some(1));
    }

    fn config() -> LeaseConfig {
        LeaseConfig {
            name: "redis-ha-operator".into(),
            identity: "op-a".into(),
            duration: Duration::from_secs(15),
            renew_every: Duration::from_secs(4),
        }
    }

    fn stored(holder: &str, resource_version: &str) -> Value {
        json!({
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "redis-ha-operator", "namespace": "ops", "resourceVersion": resource_version},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "leaseTransitions": 3,
                     "acquireTime": "2026-01-01T00:00:00.000000Z", "renewTime": "2026-01-01T00:00:08.000000Z"}
        })
    }

    const LEASE_PATH: &str = "/apis/coordination.k8s.io/v1/namespaces/ops/leases/redis-ha-operator";

    /// Asserts `seen` is exactly the release of `stored("op-a", resource_version)`, written just now.
    fn assert_release(seen: &fixtures::Seen, resource_version: &str) {
        assert_eq!((seen.method.as_str(), seen.path.as_str()), ("PUT", LEASE_PATH));
        let mut body = seen.body.clone();
        let spec = body["spec"].as_object_mut().expect("spec");
        let acquired = spec.remove("acquireTime").expect("acquireTime");
        let renewed = spec.remove("renewTime").expect("renewTime");
        assert_eq!(
            body,
            json!({
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": "redis-ha-operator", "namespace": "ops", "resourceVersion": resource_version},
                "spec": {"leaseDurationSeconds": 1, "leaseTransitions": 3}
            }),
            "no holder, one second, the same transition count, and the read resourceVersion as precondition"
        );
        assert_eq!(acquired, renewed);
        let at: Timestamp = renewed.as_str().and_then(|t| t.parse().ok()).expect("a timestamp");
        assert!(Timestamp::now().duration_since(at).abs() < SignedDuration::from_secs(60), "written now: {at}");
    }

    #[test]
    fn only_our_lease_is_released() {
        let now = at("2026-01-01T00:00:10Z");
        assert_eq!(released_spec(None, "a", now), None, "no lease");
        assert_eq!(released_spec(Some(&held("b", "2026-01-01T00:00:09Z", 15)), "a", now), None, "b's");
        assert_eq!(released_spec(Some(&LeaseSpec::default()), "a", now), None, "no holder");
        let ours = LeaseSpec { lease_transitions: Some(4), ..held("a", "2026-01-01T00:00:09Z", 15) };
        let released = released_spec(Some(&ours), "a", now).expect("ours");
        assert_eq!(released.holder_identity, None);
        assert_eq!(released.lease_duration_seconds, Some(1));
        assert_eq!(released.lease_transitions, Some(4));
        assert_eq!(decide(Some(&released), "b", now), Step::Take, "a standby takes a released lease at once");
    }

    #[tokio::test]
    async fn release_replaces_our_lease_with_the_resource_version_it_read() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let task = tokio::spawn(async move { release(&api, &config()).await });
        let get = server.next(Some(stored("op-a", "42"))).await;
        assert_eq!((get.method.as_str(), get.path.as_str()), ("GET", LEASE_PATH));
        assert_release(&server.next(None).await, "42");
        assert!(task.await.expect("task").expect("release"), "released");
        assert!(server.idle(100).await);
    }

    #[tokio::test]
    async fn release_leaves_another_holders_lease_alone() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let task = tokio::spawn(async move { release(&api, &config()).await });
        assert_eq!(server.next(Some(stored("op-b", "42"))).await.method, "GET");
        assert!(!task.await.expect("task").expect("release"));
        assert!(server.idle(100).await, "no write to a lease that is not ours");
    }

    #[tokio::test]
    async fn a_release_that_loses_the_race_is_not_an_error() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let task = tokio::spawn(async move { release(&api, &config()).await });
        server.next(Some(stored("op-a", "42"))).await;
        let conflict = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409, "message": "the object has been modified"});
        assert_eq!(server.next(Some(conflict)).await.method, "PUT");
        assert!(!task.await.expect("task").expect("a conflict is no error"));
    }

    #[tokio::test(start_paused = true)]
    async fn hold_renews_then_releases_when_stopped() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            hold(&api, &config(), &Readiness::default(), async {
                let _ = stop_rx.await;
            })
            .await
        });
        // One renewal: read (ours) and replace.
        assert_eq!(server.next(Some(stored("op-a", "41"))).await.method, "GET");
        let renewal = server.next(None).await;
        assert_eq!((renewal.method.as_str(), renewal.body["spec"]["holderIdentity"].as_str()), ("PUT", Some("op-a")));
        let _ = stop_tx.send(());
        assert_eq!(server.next(Some(stored("op-a", "42"))).await.method, "GET");
        assert_release(&server.next(None).await, "42");
        assert_eq!(task.await.expect("task"), Tenure::Released);
    }

    #[tokio::test]
    async fn hold_stopped_before_any_renewal_releases_at_once() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let cfg = LeaseConfig { renew_every: Duration::from_secs(3600), ..config() };
        let task = tokio::spawn(async move { hold(&api, &cfg, &Readiness::default(), std::future::ready(())).await });
        assert_eq!(server.next(Some(stored("op-a", "7"))).await.method, "GET");
        assert_release(&server.next(None).await, "7");
        assert_eq!(task.await.expect("task"), Tenure::Released);
    }

    #[tokio::test(start_paused = true)]
    async fn hold_reports_a_lost_lease_without_releasing_it() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let task = tokio::spawn(async move { hold(&api, &config(), &Readiness::default(), std::future::pending()).await });
        // Someone else holds it, and its lease is current: a renewal is impossible.
        let mut theirs = stored("op-b", "50");
        theirs["spec"]["renewTime"] = json!(MicroTime(Timestamp::now()));
        server.next(Some(theirs)).await;
        assert_eq!(task.await.expect("task"), Tenure::Lost);
        assert!(server.idle(100).await, "nothing to release");
    }

    #[tokio::test]
    async fn a_standby_watches_the_lease_and_takes_it_as_soon_as_it_is_released() {
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        // An hour between polls: taking the lease within this test can only come from the watch.
        let cfg = LeaseConfig { renew_every: Duration::from_secs(3600), ..config() };
        let task = tokio::spawn(async move { acquire(&api, &cfg, &Readiness::default()).await });
        let mut theirs = stored("op-b", "50");
        theirs["spec"]["renewTime"] = json!(MicroTime(Timestamp::now()));
        assert_eq!(server.next(Some(theirs.clone())).await.method, "GET");
        // What a stopping leader writes (no holder, one second), as the watch delivers it.
        let mut released = stored("op-b", "51");
        released["spec"] = json!({"leaseDurationSeconds": 1, "leaseTransitions": 3, "renewTime": MicroTime(Timestamp::now())});
        let watch = server.next(Some(json!({"type": "MODIFIED", "object": released.clone()}))).await;
        assert_eq!((watch.method.as_str(), watch.path.as_str()), ("GET", "/apis/coordination.k8s.io/v1/namespaces/ops/leases"));
        for part in ["watch=true", "resourceVersion=50", "fieldSelector=metadata.name%3Dredis-ha-operator"] {
            assert!(watch.query.contains(part), "{part} in {}", watch.query);
        }
        let get = tokio::time::timeout(Duration::from_secs(5), server.next(Some(released))).await.expect("a read right after the event");
        assert_eq!((get.method.as_str(), get.path.as_str()), ("GET", LEASE_PATH));
        let take = server.next(None).await;
        assert_eq!((take.method.as_str(), take.body["spec"]["holderIdentity"].as_str()), ("PUT", Some("op-a")));
        tokio::time::timeout(Duration::from_secs(5), task).await.expect("leads").expect("task");
    }

    #[tokio::test(start_paused = true)]
    async fn a_standby_is_ready_while_its_lease_polls_succeed() {
        use crate::readiness::{Role, Verdict};
        let (client, mut server) = fixtures::client();
        let api = Api::<Lease>::namespaced(client, "ops");
        let ready = Readiness::with_lease(Duration::from_secs(15));
        ready.set_role(Role::Standby);
        let task = tokio::spawn({
            let ready = ready.clone();
            async move { acquire(&api, &config(), &ready).await }
        });
        let mut theirs = stored("op-b", "50");
        theirs["spec"]["renewTime"] = json!(MicroTime(Timestamp::now()));
        let unavailable =
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "ServiceUnavailable", "code": 503, "message": "etcd"});
        server.next(Some(unavailable)).await;
        // Each poll arrives once the previous one has been handled; the verdict is read before answering.
        server
            .next_with(|_| {
                assert!(matches!(ready.verdict(), Verdict::NotReady(_)), "a failed poll is no sign of health");
                Some(theirs.clone())
            })
            .await;
        server
            .next_with(|_| {
                assert_eq!(ready.verdict(), Verdict::Ready("standby"), "a poll that finds another leader is");
                Some(theirs)
            })
            .await;
        task.abort();
    }
}
