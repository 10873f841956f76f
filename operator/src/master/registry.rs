//! One switch-master watcher (plus its [`MasterMover`]) per RedisHA, started and reconfigured by the
//! reconciler and stopped when its RedisHA is gone. No finalizer is needed: a janitor compares the
//! running watchers with the controller's cache of RedisHAs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use crate::master::events::Addr;
use crate::master::mover::{MasterApi, MasterMover, WatchState};
use crate::master::watcher::{self, WatchConfig};

/// Namespace and name of a RedisHA.
pub type Key = (String, String);

struct Running {
    cfg: WatchConfig,
    stop: watch::Sender<bool>,
    state: Arc<Mutex<WatchState>>,
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
            let _ = old.stop.send(true);
        }
        let state = Arc::new(Mutex::new(WatchState { sentinels_configured: cfg.configured, ..WatchState::default() }));
        let mut mover = mover(state.clone());
        let (stop, stop_rx) = watch::channel(false);
        let (tx, mut rx) = mpsc::channel(64);
        tokio::spawn(watcher::run(cfg.clone(), initial, tx, stop_rx));
        let (ns, name) = key.clone();
        tokio::spawn(async move {
            // Ends when the watcher ends (its sender drops).
            while let Some(out) = rx.recv().await {
                if let Err(e) = mover.handle(out).await {
                    tracing::warn!(namespace = %ns, name = %name, error = %e, "applying a master change failed; the next poll retries");
                }
            }
        });
        tracing::info!(namespace = %key.0, name = %key.1, sentinels = cfg.sentinels.len(), "switch-master watcher started");
        map.insert(key, Running { cfg, stop, state });
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
            let _ = r.stop.send(true);
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
