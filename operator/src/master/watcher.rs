//! The switch-master watcher for one RedisHA: one subscription per sentinel, a periodic poll of every
//! sentinel as a backstop, and the decisions of [`crate::master::topology`] sent out as [`Output`]s.
//!
//! It knows nothing about Kubernetes: a consumer (the operator's [`crate::master::mover`], or a test) turns
//! outputs into label patches, Events and status. That keeps the part that talks to sentinels testable
//! against real `redis-sentinel` processes on loopback.
//!
//! Each sentinel has its own task, so one dead sentinel blinds nothing: the task reconnects with backoff,
//! and on every (re)connect asks GET-MASTER-ADDR-BY-NAME before subscribing, so a switch that happened
//! while it was away is caught by the poll.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::master::credentials::Credentials;
use crate::master::events::{self, Addr, SentinelEvent, CHANNELS};
use crate::master::topology::{self, Decision, MasterTracker, RoleCheck, Switch};

/// How often every sentinel is asked for the master even without events (the issue's ≤ 30 s backstop).
pub const DEFAULT_POLL: Duration = Duration::from_secs(15);
/// Connect/reply timeout for sentinel and ROLE requests.
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(1500);
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// What to watch.
#[derive(Clone, PartialEq, Eq)]
pub struct WatchConfig {
    /// The sentinels' master-set name.
    pub master_set: String,
    /// Every sentinel, addressed individually.
    pub sentinels: Vec<Addr>,
    /// Sentinels configured (majority is counted against this).
    pub configured: usize,
    /// How to log in to sentinels and data nodes. Never printed (see its Debug impl).
    pub creds: Credentials,
    pub poll: Duration,
}

impl fmt::Debug for WatchConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchConfig")
            .field("master_set", &self.master_set)
            .field("sentinels", &self.sentinels)
            .field("configured", &self.configured)
            .field("creds", &self.creds)
            .field("poll", &self.poll)
            .finish()
    }
}

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Move the master to `switch.to` (already confirmed with ROLE, or the node was unreachable).
    Switch(Switch),
    /// The sentinels agree on this master (periodic; converge labels, idempotently).
    Agreement(Addr),
    /// The sentinels disagree.
    Disagreement(String),
    /// A switch was not acted on: the proposed master says it is not master.
    SwitchRefused { to: Addr, role: String },
    /// Sentinels currently connected, of those configured.
    Connected { up: usize, configured: usize },
}

/// What a sentinel task tells the driver.
#[derive(Debug)]
enum Observation {
    Event(SentinelEvent),
    /// An answer to GET-MASTER-ADDR-BY-NAME (None: it knows no master of this name).
    Report(Option<Addr>),
    Up,
    Down(String),
}

/// Runs until `shutdown` turns true or `out` is closed. `initial`: the master recorded in status.
pub async fn run(cfg: WatchConfig, initial: Option<Addr>, out: mpsc::Sender<Output>, mut shutdown: watch::Receiver<bool>) {
    let (tx, mut rx) = mpsc::channel::<(usize, Observation)>(256);
    let mut tasks = JoinSet::new();
    for (i, addr) in cfg.sentinels.iter().enumerate() {
        tasks.spawn(sentinel_task(i, addr.clone(), cfg.clone(), tx.clone(), shutdown.clone()));
    }
    drop(tx);

    let mut tracker = MasterTracker::new(initial);
    // Latest answer of each sentinel, and when it came; stale answers do not vote.
    let mut reports: HashMap<usize, (Option<Addr>, Instant)> = HashMap::new();
    let mut up = vec![false; cfg.sentinels.len()];
    // Agreement comes with every answer; pass it on once per poll period, not once per sentinel.
    let mut last_agreement: Option<Instant> = None;
    loop {
        let (idx, obs) = tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            o = rx.recv() => match o { Some(o) => o, None => break },
        };
        let now = Instant::now();
        let decision = match obs {
            Observation::Event(ev) if ev.master_set() == cfg.master_set => tracker.on_event(&ev, now),
            Observation::Event(_) => None,
            Observation::Report(addr) => {
                reports.insert(idx, (addr, now));
                let fresh = cfg.poll * 2 + REQUEST_TIMEOUT;
                reports.retain(|_, (_, at)| now.saturating_duration_since(*at) <= fresh);
                let v = topology::verdict(reports.values().map(|(a, _)| a.as_ref()), cfg.configured);
                tracker.on_verdict(&v, now)
            }
            Observation::Up | Observation::Down(_) => {
                let is_up = matches!(obs, Observation::Up);
                if let Observation::Down(why) = &obs {
                    tracing::debug!(sentinel = %cfg.sentinels.get(idx).map(|a| a.to_string()).unwrap_or_default(), %why, "sentinel link down");
                    reports.remove(&idx);
                }
                if let Some(slot) = up.get_mut(idx) {
                    *slot = is_up;
                }
                let n = up.iter().filter(|u| **u).count();
                if out.send(Output::Connected { up: n, configured: cfg.configured }).await.is_err() {
                    break;
                }
                None
            }
        };
        let output = match decision {
            None => continue,
            Some(Decision::Agreement(a)) => {
                if last_agreement.is_some_and(|at| now.saturating_duration_since(at) < cfg.poll) {
                    continue;
                }
                last_agreement = Some(now);
                Output::Agreement(a)
            }
            Some(Decision::Disagreement(d)) => Output::Disagreement(d),
            Some(Decision::Switch(s)) => {
                let check = role_of(&s.to, &cfg.creds).await;
                if topology::confirm(&s, &check) {
                    tracker.commit(&s.to);
                    // Answers from before the switch must not vote after it: a sentinel not yet told
                    // would otherwise form a stale majority for the old master.
                    reports.clear();
                    Output::Switch(s)
                } else {
                    let role = match check {
                        RoleCheck::Role(r) => r,
                        RoleCheck::Unreachable(e) => e,
                    };
                    Output::SwitchRefused { to: s.to, role }
                }
            }
        };
        if out.send(output).await.is_err() {
            break;
        }
    }
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
}

/// One sentinel: connect, report the master, subscribe, forward events; poll every `cfg.poll`;
/// on any failure report Down and reconnect with exponential backoff.
async fn sentinel_task(idx: usize, addr: Addr, cfg: WatchConfig, tx: mpsc::Sender<(usize, Observation)>, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = BACKOFF_MIN;
    loop {
        let result = tokio::select! {
            _ = shutdown.changed() => return,
            r = sentinel_session(idx, &addr, &cfg, &tx, &mut backoff) => r,
        };
        let why = match result {
            Ok(()) => "connection closed".to_string(),
            Err(e) => e,
        };
        if tx.send((idx, Observation::Down(why))).await.is_err() {
            return;
        }
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// One connected period of a sentinel task. Returns when the link breaks.
async fn sentinel_session(
    idx: usize,
    addr: &Addr,
    cfg: &WatchConfig,
    tx: &mpsc::Sender<(usize, Observation)>,
    backoff: &mut Duration,
) -> Result<(), String> {
    let (client, mut query) =
        tokio::time::timeout(REQUEST_TIMEOUT * 2, cfg.creds.connect(addr, &conn_config())).await.map_err(|_| "connect timed out".to_string())??;
    let mut pubsub = tokio::time::timeout(REQUEST_TIMEOUT, client.get_async_pubsub())
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|e| e.to_string())?;
    for ch in CHANNELS {
        pubsub.subscribe(*ch).await.map_err(|e| e.to_string())?;
    }
    // Subscribed first, then asked: a switch between the two is seen either way.
    let report = ask_master(&mut query, &cfg.master_set).await?;
    *backoff = BACKOFF_MIN;
    send(tx, idx, Observation::Up).await?;
    send(tx, idx, Observation::Report(report)).await?;

    let mut messages = pubsub.into_on_message();
    let mut poll = tokio::time::interval(cfg.poll);
    poll.tick().await;
    loop {
        tokio::select! {
            msg = messages.next() => {
                let Some(msg) = msg else { return Ok(()) };
                let channel = msg.get_channel_name().to_string();
                let payload: String = msg.get_payload().unwrap_or_default();
                if let Some(ev) = events::parse(&channel, &payload) {
                    tracing::debug!(%channel, %payload, "sentinel event");
                    send(tx, idx, Observation::Event(ev)).await?;
                }
            }
            _ = poll.tick() => {
                // NB: a half-open pub/sub link (peer gone without a FIN) never yields an error; the
                // poll's timeout is what notices, and ends the session so it reconnects.
                let report = ask_master(&mut query, &cfg.master_set).await?;
                send(tx, idx, Observation::Report(report)).await?;
            }
        }
    }
}

async fn send(tx: &mpsc::Sender<(usize, Observation)>, idx: usize, obs: Observation) -> Result<(), String> {
    tx.send((idx, obs)).await.map_err(|_| "watcher stopped".to_string())
}

pub(crate) async fn ask_master(conn: &mut redis::aio::MultiplexedConnection, master_set: &str) -> Result<Option<Addr>, String> {
    let reply: Option<Vec<String>> =
        tokio::time::timeout(REQUEST_TIMEOUT, redis::cmd("SENTINEL").arg("GET-MASTER-ADDR-BY-NAME").arg(master_set).query_async(conn))
            .await
            .map_err(|_| "GET-MASTER-ADDR-BY-NAME timed out".to_string())?
            .map_err(|e| e.to_string())?;
    Ok(events::parse_master_addr(reply))
}

/// Asks `addr` for its ROLE.
pub async fn role_of(addr: &Addr, creds: &Credentials) -> RoleCheck {
    let ask = async {
        let (_, mut conn) = creds.connect(addr, &conn_config()).await?;
        let reply: redis::Value = redis::cmd("ROLE").query_async(&mut conn).await.map_err(|e| e.to_string())?;
        match reply {
            redis::Value::Array(items) => match items.first() {
                Some(first) => redis::from_redis_value::<String>(first).map_err(|e| e.to_string()),
                None => Err("empty ROLE reply".to_string()),
            },
            other => Err(format!("unexpected ROLE reply {other:?}")),
        }
    };
    match tokio::time::timeout(REQUEST_TIMEOUT * 2, ask).await {
        Ok(Ok(role)) => RoleCheck::Role(role),
        Ok(Err(e)) => RoleCheck::Unreachable(e),
        Err(_) => RoleCheck::Unreachable("ROLE timed out".into()),
    }
}

pub(crate) fn conn_config() -> redis::AsyncConnectionConfig {
    redis::AsyncConnectionConfig::new().set_connection_timeout(REQUEST_TIMEOUT).set_response_timeout(REQUEST_TIMEOUT)
}
