//! One switch-master watcher (plus its [`MasterMover`]) per RedisHA, started and reconfigured by the
//! reconciler and stopped when its RedisHA is gone. No finalizer is needed: a janitor
//! (`controller::run`) lists the RedisHAs every few seconds and stops the watchers of those gone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use crate::master::events::Addr;
use crate::master::mover::{MasterApi, MasterMover, WatchState};
use crate::master::watcher::{self, WatchConfig};

/// Namespace and name of a RedisHA.
pub type Key = (String, String);

/// Why a watcher stops: replaced by one with a new configuration, or its RedisHA is gone (its
/// metrics go with it).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stop {
    Running,
    Replaced,
    Gone,
}

struct Running {
    cfg: WatchConfig,
    /// Tells the watcher to stop.
    watcher_stop: watch::Sender<bool>,
    /// Tells its mover why.
    stop: watch::Sender<Stop>,
    state: Arc<Mutex<WatchState>>,
}

impl Running {
    fn halt(&self, why: Stop) {
        let _ = self.stop.send(why);
        let _ = self.watcher_stop.send(true);
    }
}

/// The running watchers.
#[derive(Clone, Default)]
pub struct Watchers {
    inner: Arc<Mutex<HashMap<Key, Running>>>,
}

impl Watchers {
    /// Starts the watcher for `key`, or restarts it when its configuration changed (sentinel count,
    /// password). `initial`: the master recorded in status; `failovers`: the count in status.
    pub fn ensure<A: MasterApi + 'static>(
        &self,
        key: Key,
        cfg: WatchConfig,
        initial: Option<Addr>,
        mover: impl FnOnce(Arc<Mutex<WatchState>>) -> MasterMover<A>,
    ) {
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(&key).is_some_and(|r| r.cfg == cfg) {
            return;
        }
        if let Some(old) = map.remove(&key) {
            old.halt(Stop::Replaced);
        }
        let state = Arc::new(Mutex::new(WatchState { sentinels_configured: cfg.configured, ..WatchState::default() }));
        let mut mover = mover(state.clone());
        let (stop, mut mover_stop) = watch::channel(Stop::Running);
        let (watcher_stop, watcher_stopped) = watch::channel(false);
        let (tx, mut rx) = mpsc::channel(64);
        tokio::spawn(watcher::run(cfg.clone(), initial, tx, watcher_stopped));
        let (ns, name) = key.clone();
        tokio::spawn(async move {
            // Ends when the watcher ends (its sender drops) or is stopped: what it had queued is
            // then dropped, so nothing of a deleted RedisHA is applied after its stop.
            loop {
                let out = tokio::select! {
                    biased;
                    _ = mover_stop.wait_for(|s| *s != Stop::Running) => break,
                    out = rx.recv() => match out { Some(out) => out, None => break },
                };
                if let Err(e) = mover.handle(out).await {
                    tracing::warn!(namespace = %ns, name = %name, error = %e, "applying a master change failed; the next poll retries");
                }
            }
            if *mover_stop.borrow() == Stop::Gone {
                mover.retire();
            }
        });
        tracing::info!(namespace = %key.0, name = %key.1, sentinels = cfg.sentinels.len(), "switch-master watcher started");
        map.insert(key, Running { cfg, watcher_stop, stop, state });
    }

    /// What the watcher of `key` last reported.
    pub fn state(&self, key: &Key) -> WatchState {
        let map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).map(|r| r.state.lock().unwrap_or_else(|e| e.into_inner()).clone()).unwrap_or_default()
    }

    /// Stops the watcher of `key` (an invalid spec, or the RedisHA is gone).
    pub fn stop(&self, key: &Key) {
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = map.remove(key) {
            r.halt(Stop::Gone);
            tracing::info!(namespace = %key.0, name = %key.1, "switch-master watcher stopped");
        }
    }

    /// Stops every watcher whose key `live` rejects.
    pub fn retain(&self, live: impl Fn(&Key) -> bool) {
        let gone: Vec<Key> = self.inner.lock().unwrap_or_else(|e| e.into_inner()).keys().filter(|k| !live(k)).cloned().collect();
        for k in gone {
            self.stop(&k);
        }
    }

    pub fn stop_all(&self) {
        self.retain(|_| false);
    }

    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::error::Result;
    use crate::master::credentials::Credentials;
    use crate::master::mover::{DataPod, Note};
    use crate::metrics::Metrics;
    use crate::resources::names::Names;
    use std::time::Duration;

    /// Applies nothing: these tests watch the watchers' lifecycle, not their moves.
    struct Inert;

    impl MasterApi for Inert {
        async fn list_data_pods(&self) -> Result<Vec<DataPod>> {
            Ok(Vec::new())
        }
        async fn set_role(&self, _pod: &str, _role: &'static str) -> Result<()> {
            Ok(())
        }
        async fn record(&self, _note: Note) -> Result<()> {
            Ok(())
        }
        async fn patch_status(&self, _status: serde_json::Value) -> Result<()> {
            Ok(())
        }
    }

    /// A sentinel nobody listens on: its task reports the link down, so the mover sets the gauge.
    fn cfg(sentinels: usize) -> WatchConfig {
        WatchConfig {
            master_set: "cache".into(),
            sentinels: (0..sentinels).map(|_| Addr { host: "127.0.0.1".into(), port: 1 }).collect(),
            configured: sentinels,
            creds: Credentials::default(),
            poll: Duration::from_secs(15),
        }
    }

    /// Starts a watcher for RedisHA `ns/cache` whose mover applies nothing.
    pub(crate) fn start(watchers: &Watchers, metrics: &Metrics, ns: &str, sentinels: usize) {
        let names = Names { name: "cache".into(), namespace: ns.into(), cluster_domain: "cluster.local".into() };
        let m = metrics.clone();
        watchers.ensure((ns.into(), "cache".into()), cfg(sentinels), None, move |state| MasterMover::new(names, Inert, Some(m), state, 0));
    }

    async fn wait_until(what: &str, probe: impl Fn() -> bool) {
        for _ in 0..200 {
            if probe() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{what}");
    }

    #[tokio::test]
    async fn a_gone_redishas_watcher_stops_and_its_series_leave_the_metrics() {
        let metrics = Metrics::new().expect("metrics");
        let watchers = Watchers::default();
        start(&watchers, &metrics, "prod", 1);
        start(&watchers, &metrics, "staging", 1);
        let series = |ns: &str| format!("redisha_sentinel_connections{{name=\"cache\",namespace=\"{ns}\"}} 0");
        wait_until("both movers report their sentinels", || {
            let text = metrics.render();
            text.contains(&series("prod")) && text.contains(&series("staging"))
        })
        .await;

        // The janitor's pass: "prod" is gone from the controller's cache.
        watchers.retain(|k| k.0 != "prod");
        assert_eq!(watchers.len(), 1);
        wait_until("the deleted RedisHA's series is gone", || !metrics.render().contains(&series("prod"))).await;
        // The survivor keeps its series, and a reconfigured watcher (new sentinel count) keeps it too.
        start(&watchers, &metrics, "staging", 2);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(metrics.render().contains("redisha_sentinel_connections{name=\"cache\",namespace=\"staging\"}"), "{}", metrics.render());
        assert!(!metrics.render().contains(&series("prod")), "a stopped mover applies nothing more");
        watchers.stop_all();
    }
}
