//! Applies the rollout plan ([`crate::rollout::plan`]) once per reconcile: lists the data pods, takes one
//! step (delete a replica with its UID as a precondition, or ask the sentinels for a switchover),
//! records a `RollingUpdate` Event and returns the progress for the status.
//!
//! A requested switchover is remembered per RedisHA (in memory, with a deadline) so the next passes
//! wait for it instead of asking again. Across an operator restart the memory is gone, which is safe:
//! before asking, [`request_failover`] checks that the sentinels still name the stale pod as master, so
//! a switchover that already happened is never repeated against the new master.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams, Preconditions};
use kube::runtime::events::Reporter;
use kube::runtime::events::{Event, EventType, Recorder};
use kube::{Client, Resource, ResourceExt};

use crate::crd::RedisHA;
use crate::error::{Error, Result};
use crate::master::credentials::Credentials;
use crate::master::events::Addr;
use crate::master::mover::{resolve, DataPod};
use crate::master::registry::Key;
use crate::master::sentinel_addrs;
use crate::master::watcher::{ask_master, conn_config, REQUEST_TIMEOUT};
use crate::resources::names::{Names, DATA_PORT, ROLE_LABEL};
use crate::rollout::handover::{self, Handover};
use crate::rollout::plan::{self, Input, PodView, Progress, Step};

/// The label the StatefulSet controller puts on each pod: the revision it was created from.
pub const REVISION_LABEL: &str = "controller-revision-hash";
/// Event reason of every step of a roll.
pub const ROLLING_UPDATE: &str = "RollingUpdate";
/// How long a requested switchover is waited for beyond the sentinels' failover timeout before the
/// operator asks again.
const SWITCHOVER_SLACK: Duration = Duration::from_secs(15);

/// One switchover request to the sentinels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverRequest {
    pub sentinels: Vec<Addr>,
    pub master_set: String,
    pub creds: Credentials,
    pub names: Names,
    /// The stale master to move away from, and its pod IP (for sentinels that report IPs).
    pub pod: String,
    pub pod_ip: Option<String>,
}

/// What the sentinels said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailoverOutcome {
    /// This sentinel accepted `SENTINEL FAILOVER`.
    Requested(Addr),
    /// A failover is already running (`-INPROG`).
    InProgress(Addr),
    /// The sentinels already name another master; the watcher will move the labels.
    Moved(Addr),
    Failed(String),
}

/// Asks the sentinels for a switchover; swapped for a recorder in tests.
pub type FailoverFn = Arc<dyn Fn(FailoverRequest) -> BoxFuture<'static, FailoverOutcome> + Send + Sync>;

/// Checks a switchover's outcome on the former master's address ([`handover::check`]); swapped in tests.
pub type HandoverFn = Arc<dyn Fn(Addr, Credentials) -> BoxFuture<'static, Handover> + Send + Sync>;

struct Pending {
    from: String,
    until: Instant,
}

/// Switchovers in flight, per RedisHA, and the way to request one.
#[derive(Clone)]
pub struct Rollouts {
    pending: Arc<Mutex<HashMap<Key, Pending>>>,
    failover: FailoverFn,
    handover: HandoverFn,
}

impl Default for Rollouts {
    fn default() -> Self {
        Rollouts::with_failover(Arc::new(|req| Box::pin(request_failover(req))))
    }
}

impl Rollouts {
    pub fn with_failover(failover: FailoverFn) -> Self {
        let handover: HandoverFn = Arc::new(|addr, creds| Box::pin(async move { handover::check(&addr, &creds).await }));
        Rollouts { pending: Arc::default(), failover, handover }
    }

    /// The same with another handover check.
    pub fn with_handover(mut self, handover: HandoverFn) -> Self {
        self.handover = handover;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Pending>> {
        // A poisoned lock only means a panic elsewhere; the map is still consistent.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The pod a switchover was requested from, while it is still awaited.
    fn pending(&self, key: &Key, now: Instant) -> Option<String> {
        let mut map = self.lock();
        if map.get(key).is_some_and(|p| now >= p.until) {
            map.remove(key);
        }
        map.get(key).map(|p| p.from.clone())
    }

    fn set(&self, key: Key, from: String, until: Instant) {
        self.lock().insert(key, Pending { from, until });
    }

    fn clear(&self, key: &Key) {
        self.lock().remove(key);
    }

    /// Forgets every RedisHA `live` rejects (deleted ones).
    pub fn retain(&self, live: impl Fn(&Key) -> bool) {
        self.lock().retain(|k, _| live(k));
    }
}

/// What a roll step needs from the reconciler: the API client and Event reporter, the switchovers
/// in flight, and the master pod the switch-master watcher sees now.
pub struct Deps<'a> {
    pub client: &'a Client,
    pub reporter: &'a Reporter,
    pub rollouts: &'a Rollouts,
    pub watched_master: Option<String>,
}

/// Takes the next step of the roll of `rha`'s data pods. None while the StatefulSet has not reported
/// the revision of its current template (a new set, or a template change not yet observed).
pub async fn roll(
    deps: Deps<'_>,
    rha: &RedisHA,
    names: &Names,
    (data, sentinels): (&StatefulSet, &StatefulSet),
    creds: &Credentials,
) -> Result<Option<Progress>> {
    let Deps { client, reporter, rollouts, watched_master } = deps;
    let Some(revision) = update_revision(data) else { return Ok(None) };
    let key: Key = (names.namespace.clone(), names.name.clone());
    let api = Api::<Pod>::namespaced(client.clone(), &names.namespace);
    let list = api.list(&ListParams::default().labels(&names.data_pod_selector())).await.map_err(Error::Kube)?;
    let ips: HashMap<String, String> = list.items.iter().filter_map(|p| Some((p.name_any(), p.status.as_ref()?.pod_ip.clone()?))).collect();
    let pods: Vec<PodView> = list.items.iter().filter_map(|p| view(names, p)).collect();

    let mut known = Vec::new();
    known.extend(rha.status.as_ref().and_then(|s| s.master.as_ref()).map(|m| m.pod.clone()));
    known.extend(watched_master);
    let now = Instant::now();
    let switchover = rollouts.pending(&key, now);
    let progress = plan::plan(&Input {
        update_revision: Some(&revision),
        replicas: rha.spec.replicas,
        pods: &pods,
        known_masters: &known,
        switchover_from: switchover.as_deref(),
        sentinels_rolling: rolling(sentinels),
    });

    let recorder = Recorder::new(client.clone(), reporter.clone());
    let event = |warning: bool, reason: &'static str, action: &'static str, note: String| {
        let recorder = recorder.clone();
        let reference = rha.object_ref(&());
        async move {
            let type_ = if warning { EventType::Warning } else { EventType::Normal };
            let ev = Event { type_, reason: reason.into(), note: Some(note), action: action.into(), secondary: None };
            if let Err(e) = recorder.publish(&ev, &reference).await {
                tracing::warn!(error = %e, "could not record an Event");
            }
        }
    };
    match &progress.step {
        Step::UpToDate => rollouts.clear(&key),
        Step::Wait(hold) => tracing::debug!(namespace = %names.namespace, name = %names.name, %hold, "rolling update waits"),
        Step::DeleteReplica { pod, uid } => {
            if delete_pod(&api, pod, uid).await? {
                event(false, ROLLING_UPDATE, "RestartReplica", format!("Restarting replica pod {pod} for revision {revision}")).await;
            }
        }
        Step::DeleteOldMaster { pod, uid } => {
            // The switchover's outcome first: the new master must have taken over at this pod's offset.
            let addr = ips.get(pod).map(|ip| Addr::new(ip.clone(), DATA_PORT as u16));
            let outcome = match addr {
                Some(a) => (rollouts.handover)(a, creds.clone()).await,
                None => Handover::Unknown(format!("pod {pod} has no IP")),
            };
            let verified = match &outcome {
                Handover::NotYet(why) => {
                    tracing::info!(namespace = %names.namespace, name = %names.name, %pod, %why, "waiting for the switchover to settle");
                    return Ok(Some(progress));
                }
                Handover::Continued { offset, new_master } => format!("; {new_master} took over at its offset {offset}"),
                Handover::Diverged(why) => {
                    event(true, "SwitchoverDiverged", "Switchover", format!("Switchover from {pod}: {why}")).await;
                    String::new()
                }
                Handover::Unknown(why) => format!("; the handover could not be checked ({why})"),
            };
            if delete_pod(&api, pod, uid).await? {
                event(false, ROLLING_UPDATE, "RestartFormerMaster", format!("Restarting former master pod {pod} for revision {revision}{verified}"))
                    .await;
            }
            rollouts.clear(&key);
        }
        Step::DeleteOnlyPod { pod, uid } => {
            if delete_pod(&api, pod, uid).await? {
                let note = format!("Restarting pod {pod} for revision {revision}: a single data pod has no replica to hand over to");
                event(false, ROLLING_UPDATE, "RestartOnlyPod", note).await;
            }
        }
        Step::DeleteUnscheduled { pod, uid } => {
            if delete_pod(&api, pod, uid).await? {
                let note = format!("Replacing pod {pod}, which was never scheduled, for revision {revision}");
                event(false, ROLLING_UPDATE, "ReplaceUnscheduledPod", note).await;
            }
        }
        Step::Switchover { master } => {
            let req = FailoverRequest {
                sentinels: sentinel_addrs(rha, names),
                master_set: names.master_set().to_string(),
                creds: creds.clone(),
                names: names.clone(),
                pod: master.clone(),
                pod_ip: ips.get(master).cloned(),
            };
            let wait = Duration::from_millis(u64::try_from(rha.spec.failover_timeout_milliseconds).unwrap_or(0)) + SWITCHOVER_SLACK;
            match (rollouts.failover)(req).await {
                FailoverOutcome::Requested(by) => {
                    rollouts.set(key, master.clone(), now + wait);
                    let note = format!("Switching over from master {master} before restarting it (asked sentinel {by})");
                    event(false, ROLLING_UPDATE, "Switchover", note).await;
                }
                FailoverOutcome::InProgress(_) => rollouts.set(key, master.clone(), now + wait),
                FailoverOutcome::Moved(to) => {
                    tracing::info!(namespace = %names.namespace, name = %names.name, %master, %to, "the sentinels already moved the master; waiting for the labels");
                }
                FailoverOutcome::Failed(why) => {
                    event(true, "SwitchoverFailed", "Switchover", format!("Could not switch over from master {master}: {why}")).await;
                }
            }
        }
    }
    Ok(Some(progress))
}

/// `status.updateRevision`, once the StatefulSet controller has observed the current generation.
fn update_revision(sts: &StatefulSet) -> Option<String> {
    let status = sts.status.as_ref()?;
    let observed = match (status.observed_generation, sts.metadata.generation) {
        (Some(seen), Some(gen)) => seen >= gen,
        (None, Some(_)) => false,
        (_, None) => true,
    };
    status.update_revision.clone().filter(|r| observed && !r.is_empty())
}

/// A `RollingUpdate` StatefulSet still replacing pods: not yet observed, or its current revision not
/// yet its update revision (the StatefulSet controller sets it once every pod is updated and ready).
fn rolling(sts: &StatefulSet) -> bool {
    let Some(update) = update_revision(sts) else { return true };
    sts.status.as_ref().and_then(|s| s.current_revision.as_deref()) != Some(update.as_str())
}

/// A pod as the planner sees it; None for a pod that is not one of the set's ordinals.
fn view(names: &Names, pod: &Pod) -> Option<PodView> {
    let name = pod.metadata.name.clone()?;
    let ordinal = names.data_ordinal(&name)?;
    let labels = pod.metadata.labels.as_ref();
    let ready = pod.status.as_ref().and_then(|s| s.conditions.as_ref()).is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    Some(PodView {
        name,
        ordinal,
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        revision: labels.and_then(|l| l.get(REVISION_LABEL).cloned()),
        ready,
        terminating: pod.metadata.deletion_timestamp.is_some(),
        scheduled: pod.spec.as_ref().is_some_and(|s| s.node_name.is_some()),
        role: labels.and_then(|l| l.get(ROLE_LABEL).cloned()),
    })
}

/// Deletes `pod` if it is still the one with `uid`. False when it is gone or was replaced meanwhile
/// (a 404 or a failed precondition), which the next pass sees as a new pod.
async fn delete_pod(api: &Api<Pod>, pod: &str, uid: &str) -> Result<bool> {
    let dp = DeleteParams { preconditions: Some(Preconditions { uid: Some(uid.to_string()), resource_version: None }), ..DeleteParams::default() };
    match api.delete(pod, &dp).await {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(s)) if s.is_not_found() || s.is_conflict() => Ok(false),
        Err(e) => Err(Error::Kube(e)),
    }
}

/// Asks the sentinels, one after the other until one answers, to fail over from `req.pod`. Each is
/// first asked who the master is: a sentinel that already names another pod means the switch happened
/// (the labels lag behind), and asking again would move the master a second time.
pub async fn request_failover(req: FailoverRequest) -> FailoverOutcome {
    let mut errors = Vec::new();
    for addr in &req.sentinels {
        match ask_one(addr, &req).await {
            Ok(outcome) => return outcome,
            Err(e) => errors.push(format!("{addr}: {e}")),
        }
    }
    FailoverOutcome::Failed(format!("no sentinel took the request ({})", errors.join("; ")))
}

async fn ask_one(addr: &Addr, req: &FailoverRequest) -> Result<FailoverOutcome, String> {
    let (_, mut conn) = req.creds.connect(addr, &conn_config()).await?;
    let Some(master) = ask_master(&mut conn, &req.master_set).await? else {
        return Err(format!("knows no master named {}", req.master_set));
    };
    let this = [DataPod { name: req.pod.clone(), role: None, ip: req.pod_ip.clone() }];
    if resolve(&req.names, &master, &this).is_none() {
        return Ok(FailoverOutcome::Moved(master));
    }
    let reply = tokio::time::timeout(REQUEST_TIMEOUT, redis::cmd("SENTINEL").arg("FAILOVER").arg(&req.master_set).query_async::<String>(&mut conn))
        .await
        .map_err(|_| "SENTINEL FAILOVER timed out".to_string())?;
    match reply {
        Ok(_) => Ok(FailoverOutcome::Requested(addr.clone())),
        Err(e) if e.code() == Some("INPROG") => Ok(FailoverOutcome::InProgress(addr.clone())),
        // Every sentinel sees the same replicas: asking the next one would only repeat the refusal.
        Err(e) if e.code() == Some("NOGOODSLAVE") => Ok(FailoverOutcome::Failed(format!("sentinel {addr}: {e}"))),
        Err(e) => Err(e.to_string()),
    }
}
