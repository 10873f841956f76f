//! Applies the switch-master watcher's outputs to Kubernetes for one RedisHA: moves the
//! `redisha.io/role` label (demote, then promote), records `MasterSwitched` Events, and writes the
//! master/failover fields of the status.
//!
//! The API calls sit behind [`MasterApi`]; [`KubeMasterApi`] is the thin real one, and the tests drive
//! [`MasterMover`] with a recorder, checking the exact calls and their order.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::{ObjectReference, Pod};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::events::{Event, EventType, Recorder};
use serde_json::json;

use crate::crd::RedisHA;
use crate::error::{Error, Result};
use crate::master::events::Addr;
use crate::master::topology::{label_plan, PodRole, Switch};
use crate::master::watcher::Output;
use crate::metrics::Metrics;
use crate::resources::names::{Names, ROLE_LABEL};

/// Field manager of the pod-label and status patches made by the watcher side.
pub const WATCHER_MANAGER: &str = "redis-ha-operator-watcher";

/// A data pod as the mover needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPod {
    pub name: String,
    pub role: Option<String>,
    pub ip: Option<String>,
}

/// An Event to record on the RedisHA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

/// The API calls the mover makes.
pub trait MasterApi: Send + Sync {
    fn list_data_pods(&self) -> impl Future<Output = Result<Vec<DataPod>>> + Send;
    fn set_role(&self, pod: &str, role: &'static str) -> impl Future<Output = Result<()>> + Send;
    fn record(&self, note: Note) -> impl Future<Output = Result<()>> + Send;
    /// Merge-patches `status` (the given object becomes `{"status": ...}`).
    fn patch_status(&self, status: serde_json::Value) -> impl Future<Output = Result<()>> + Send;
}

/// What the reconciler reads back from the watcher side, for the conditions it owns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchState {
    pub sentinels_up: usize,
    pub sentinels_configured: usize,
    pub disagreement: Option<String>,
    pub master_pod: Option<String>,
}

/// Moves the master of one RedisHA.
pub struct MasterMover<A> {
    names: Names,
    api: A,
    metrics: Option<Metrics>,
    state: Arc<Mutex<WatchState>>,
    failovers: i64,
    master: Option<(String, Addr)>,
}

impl<A: MasterApi> MasterMover<A> {
    /// `failovers`: the count already in status; `master`: the pod recorded there.
    pub fn new(names: Names, api: A, metrics: Option<Metrics>, state: Arc<Mutex<WatchState>>, failovers: i64) -> Self {
        MasterMover { names, api, metrics, state, failovers, master: None }
    }

    pub fn state(&self) -> Arc<Mutex<WatchState>> {
        self.state.clone()
    }

    /// Handles one watcher output.
    pub async fn handle(&mut self, out: Output) -> Result<()> {
        match out {
            Output::Switch(s) => self.switch(s).await,
            Output::Agreement(addr) => {
                self.update_state(|st| st.disagreement = None);
                self.converge(&addr).await.map(|_| ())
            }
            Output::Disagreement(msg) => {
                self.update_state(|st| st.disagreement = Some(msg.clone()));
                self.api.record(Note { warning: true, reason: "SentinelDisagreement", message: msg }).await
            }
            Output::SwitchRefused { to, role } => {
                tracing::warn!(name = %self.names.name, %to, %role, "switch not applied: the proposed master does not confirm");
                Ok(())
            }
            Output::Connected { up, configured } => {
                self.update_state(|st| {
                    st.sentinels_up = up;
                    st.sentinels_configured = configured;
                });
                if let Some(m) = &self.metrics {
                    m.sentinel_connections.with_label_values(&[&self.names.namespace, &self.names.name]).set(up as i64);
                }
                Ok(())
            }
        }
    }

    /// Its RedisHA is gone: its series leave the metrics (a deleted RedisHA does not go on
    /// reporting sentinels connected, as kube-state-metrics drops a deleted object's series).
    pub fn retire(&self) {
        if let Some(m) = &self.metrics {
            let labels = [self.names.namespace.as_str(), self.names.name.as_str()];
            let _ = m.sentinel_connections.remove_label_values(&labels);
            let _ = m.failovers.remove_label_values(&labels);
        }
    }

    fn update_state(&self, f: impl FnOnce(&mut WatchState)) {
        // A poisoned lock only means a panic elsewhere; the data is still a plain struct.
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut st);
    }

    /// Puts the master label on the pod at `addr` and replica on the others. Returns the master pod.
    async fn converge(&mut self, addr: &Addr) -> Result<Option<String>> {
        let pods = self.api.list_data_pods().await?;
        let Some(pod) = resolve(&self.names, addr, &pods) else {
            self.api
                .record(Note {
                    warning: true,
                    reason: "UnknownMaster",
                    message: format!("the sentinels' master {addr} is not a data pod of this RedisHA"),
                })
                .await?;
            return Ok(None);
        };
        let roles: Vec<PodRole> = pods.iter().map(|p| PodRole { name: p.name.clone(), role: p.role.clone() }).collect();
        for change in label_plan(&roles, &pod) {
            // In order, stopping at the first failure: a promotion must never run after a failed demotion.
            self.api.set_role(&change.pod, change.role).await?;
        }
        if self.master.as_ref().map(|(p, _)| p) != Some(&pod) {
            let since = Timestamp::now().to_string();
            self.api.patch_status(json!({"master": {"pod": pod, "address": addr.to_string(), "since": since}})).await?;
            self.master = Some((pod.clone(), addr.clone()));
        }
        self.update_state(|st| st.master_pod = Some(pod.clone()));
        Ok(Some(pod))
    }

    async fn switch(&mut self, s: Switch) -> Result<()> {
        let previous = self.master.as_ref().map(|(p, _)| p.clone());
        let previous = match (previous, &s.from) {
            (Some(p), _) => Some(p),
            (None, Some(from)) => self.names.data_pod_of_host(&from.host),
            (None, None) => None,
        };
        let Some(pod) = self.converge(&s.to).await? else { return Ok(()) };
        if let Some(m) = &self.metrics {
            m.switch_to_label.observe(s.seen_at.elapsed().as_secs_f64());
        }
        let Some(from) = previous.filter(|p| *p != pod) else { return Ok(()) };
        self.failovers += 1;
        if let Some(m) = &self.metrics {
            m.failovers.with_label_values(&[&self.names.namespace, &self.names.name]).inc();
        }
        let took = s.odown_to_switch.map(|d| format!(" ({} ms from +odown)", d.as_millis())).unwrap_or_default();
        self.api.record(Note { warning: false, reason: "MasterSwitched", message: format!("master moved from {from} to {pod}{took}") }).await?;
        let mut last = json!({"from": from, "to": pod, "at": Timestamp::now().to_string()});
        if let Some(d) = s.odown_to_switch {
            last["durationMilliseconds"] = json!(duration_ms(d));
        }
        self.api.patch_status(json!({"failovers": self.failovers, "lastFailover": last})).await
    }
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The data pod a sentinel-reported address names: by announced hostname, else by pod IP.
pub fn resolve(names: &Names, addr: &Addr, pods: &[DataPod]) -> Option<String> {
    if let Some(p) = names.data_pod_of_host(&addr.host) {
        return pods.iter().any(|d| d.name == p).then_some(p);
    }
    pods.iter().find(|d| d.ip.as_deref() == Some(addr.host.as_str())).map(|d| d.name.clone())
}

/// The real API calls, scoped to one RedisHA.
#[derive(Clone)]
pub struct KubeMasterApi {
    pub pods: Api<Pod>,
    pub rhas: Api<RedisHA>,
    pub name: String,
    pub selector: String,
    pub recorder: Recorder,
    pub reference: ObjectReference,
}

impl MasterApi for KubeMasterApi {
    async fn list_data_pods(&self) -> Result<Vec<DataPod>> {
        let list = self.pods.list(&ListParams::default().labels(&self.selector)).await.map_err(Error::Kube)?;
        Ok(list
            .items
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .map(|p| DataPod {
                role: p.metadata.labels.as_ref().and_then(|l| l.get(ROLE_LABEL).cloned()),
                ip: p.status.as_ref().and_then(|s| s.pod_ip.clone()),
                name: p.metadata.name.unwrap_or_default(),
            })
            .collect())
    }

    async fn set_role(&self, pod: &str, role: &'static str) -> Result<()> {
        let patch = json!({"metadata": {"labels": {ROLE_LABEL: role}}});
        self.pods.patch(pod, &PatchParams::apply(WATCHER_MANAGER), &Patch::Merge(&patch)).await.map_err(Error::Kube)?;
        Ok(())
    }

    async fn record(&self, note: Note) -> Result<()> {
        let ev = Event {
            type_: if note.warning { EventType::Warning } else { EventType::Normal },
            reason: note.reason.into(),
            note: Some(note.message),
            action: "Failover".into(),
            secondary: None,
        };
        self.recorder.publish(&ev, &self.reference).await.map_err(Error::Kube)
    }

    async fn patch_status(&self, status: serde_json::Value) -> Result<()> {
        let patch = json!({"status": status});
        self.rhas.patch_status(&self.name, &PatchParams::apply(WATCHER_MANAGER), &Patch::Merge(&patch)).await.map_err(Error::Kube)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::master::topology::Cause;
    use std::time::Instant;

    /// Records every call, in order, against an in-memory set of pods.
    #[derive(Clone, Default)]
    struct Recorded {
        pods: Arc<Mutex<Vec<DataPod>>>,
        calls: Arc<Mutex<Vec<String>>>,
        fail_set_role: Arc<Mutex<Option<String>>>,
    }

    impl Recorded {
        fn calls(&self) -> Vec<String> {
            std::mem::take(&mut *self.calls.lock().expect("lock"))
        }
        fn log(&self, s: String) {
            self.calls.lock().expect("lock").push(s);
        }
    }

    impl MasterApi for Recorded {
        async fn list_data_pods(&self) -> Result<Vec<DataPod>> {
            Ok(self.pods.lock().expect("lock").clone())
        }
        async fn set_role(&self, pod: &str, role: &'static str) -> Result<()> {
            if self.fail_set_role.lock().expect("lock").as_deref() == Some(pod) {
                return Err(Error::InvalidSpec("injected".into()));
            }
            self.log(format!("label {pod}={role}"));
            if let Some(p) = self.pods.lock().expect("lock").iter_mut().find(|p| p.name == pod) {
                p.role = Some(role.to_string());
            }
            Ok(())
        }
        async fn record(&self, note: Note) -> Result<()> {
            self.log(format!("event {} {}: {}", if note.warning { "Warning" } else { "Normal" }, note.reason, note.message));
            Ok(())
        }
        async fn patch_status(&self, status: serde_json::Value) -> Result<()> {
            let mut s = status;
            // Times are the wall clock; the tests check they are there, not their value.
            for ptr in ["/master/since", "/lastFailover/at"] {
                if let Some(v) = s.pointer_mut(ptr) {
                    assert!(v.as_str().is_some_and(|t| t.ends_with('Z')), "{v}");
                    *v = json!("<now>");
                }
            }
            self.log(format!("status {s}"));
            Ok(())
        }
    }

    fn names() -> Names {
        Names { name: "cache".into(), namespace: "prod".into(), cluster_domain: "cluster.local".into() }
    }

    fn host(pod: &str) -> Addr {
        Addr::new(names().data_host(pod), 6379)
    }

    fn setup(roles: &[(&str, Option<&str>)]) -> (MasterMover<Recorded>, Recorded) {
        let api = Recorded::default();
        *api.pods.lock().expect("lock") = roles.iter().map(|(n, r)| DataPod { name: n.to_string(), role: r.map(str::to_string), ip: None }).collect();
        (MasterMover::new(names(), api.clone(), None, Arc::default(), 4), api)
    }

    fn switch(from: &str, to: &str, odown: Option<u64>) -> Output {
        Output::Switch(Switch {
            from: Some(host(from)),
            to: host(to),
            cause: Cause::Event,
            odown_to_switch: odown.map(Duration::from_millis),
            seen_at: Instant::now(),
        })
    }

    #[tokio::test]
    async fn a_switch_demotes_then_promotes_then_records_event_and_status() {
        let (mut m, api) = setup(&[("cache-0", Some("master")), ("cache-1", Some("replica")), ("cache-2", Some("replica"))]);
        m.handle(Output::Agreement(host("cache-0"))).await.expect("agreement");
        assert_eq!(
            api.calls(),
            [r#"status {"master":{"address":"cache-0.cache-headless.prod.svc.cluster.local:6379","pod":"cache-0","since":"<now>"}}"#]
        );

        m.handle(switch("cache-0", "cache-1", Some(2300))).await.expect("switch");
        assert_eq!(
            api.calls(),
            [
                "label cache-0=replica".to_string(),
                "label cache-1=master".into(),
                r#"status {"master":{"address":"cache-1.cache-headless.prod.svc.cluster.local:6379","pod":"cache-1","since":"<now>"}}"#.into(),
                "event Normal MasterSwitched: master moved from cache-0 to cache-1 (2300 ms from +odown)".into(),
                r#"status {"failovers":5,"lastFailover":{"at":"<now>","durationMilliseconds":2300,"from":"cache-0","to":"cache-1"}}"#.into(),
            ]
        );
        assert_eq!(m.state().lock().expect("lock").master_pod.as_deref(), Some("cache-1"));
        // The backstop's agreement afterwards changes nothing.
        m.handle(Output::Agreement(host("cache-1"))).await.expect("agreement");
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn first_sighting_labels_everything_without_counting_a_failover() {
        let (mut m, api) = setup(&[("cache-0", None), ("cache-1", None)]);
        let first =
            Output::Switch(Switch { from: None, to: host("cache-0"), cause: Cause::Backstop, odown_to_switch: None, seen_at: Instant::now() });
        m.handle(first).await.expect("switch");
        let calls = api.calls();
        assert_eq!(calls[..2], ["label cache-0=master".to_string(), "label cache-1=replica".into()]);
        assert_eq!(calls.len(), 3, "labels and status.master, no Event, no failover count: {calls:?}");
    }

    #[tokio::test]
    async fn a_failed_demotion_stops_before_the_promotion() {
        let (mut m, api) = setup(&[("cache-0", Some("master")), ("cache-1", Some("replica"))]);
        *api.fail_set_role.lock().expect("lock") = Some("cache-0".into());
        assert!(m.handle(switch("cache-0", "cache-1", None)).await.is_err());
        assert!(api.calls().is_empty(), "nothing after the failed demotion");
        // The next poll's agreement retries and completes the move.
        *api.fail_set_role.lock().expect("lock") = None;
        m.handle(Output::Agreement(host("cache-1"))).await.expect("agreement");
        assert_eq!(api.calls()[..2], ["label cache-0=replica".to_string(), "label cache-1=master".into()]);
    }

    #[tokio::test]
    async fn an_address_that_is_not_our_pod_is_a_warning_and_no_label() {
        let (mut m, api) = setup(&[("cache-0", Some("master"))]);
        m.handle(Output::Agreement(Addr::new("10.9.9.9", 6379))).await.expect("handled");
        let calls = api.calls();
        assert_eq!(calls.len(), 1);
        assert!(calls[0].starts_with("event Warning UnknownMaster"), "{calls:?}");
    }

    #[tokio::test]
    async fn disagreement_is_a_warning_and_state_for_the_condition() {
        let (mut m, api) = setup(&[]);
        m.handle(Output::Disagreement("sentinels disagree".into())).await.expect("handled");
        assert_eq!(api.calls(), ["event Warning SentinelDisagreement: sentinels disagree"]);
        assert_eq!(m.state().lock().expect("lock").disagreement.as_deref(), Some("sentinels disagree"));
        m.handle(Output::Connected { up: 2, configured: 3 }).await.expect("handled");
        assert_eq!(m.state().lock().expect("lock").sentinels_up, 2);
    }

    #[test]
    fn resolve_by_hostname_then_ip() {
        let pods = vec![
            DataPod { name: "cache-0".into(), role: None, ip: Some("10.0.0.5".into()) },
            DataPod { name: "cache-1".into(), role: None, ip: Some("10.0.0.6".into()) },
        ];
        assert_eq!(resolve(&names(), &host("cache-1"), &pods).as_deref(), Some("cache-1"));
        assert_eq!(resolve(&names(), &Addr::new("10.0.0.5", 6379), &pods).as_deref(), Some("cache-0"));
        assert_eq!(resolve(&names(), &host("cache-7"), &pods), None, "a named pod that does not exist");
        assert_eq!(resolve(&names(), &Addr::new("10.0.0.99", 6379), &pods), None);
    }
}
