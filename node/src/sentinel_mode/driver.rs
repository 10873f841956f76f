//! The sentinel's driver: runs the sans-IO state machine ([`Sentinel`]) inside the server process
//! and does its I/O. The machine and everything that executes its actions live in
//! [`Runtime`], kept in `State::sentinel` behind the server's one lock, so the timer, the link tasks
//! and SENTINEL commands all reach it the same way: lock, feed an input, drain the actions, execute
//! them, unlock. Executing never blocks: connects become tasks, writes go into per-link channels,
//! config flushes to a writer thread, scripts to child processes.
//!
//! Time is a monotonic clock ([`crate::util::mono_ms`]), so a wall-clock jump cannot fake a timeout (a stopped
//! process still shows up as a long timer gap, which is what TILT is for).
//!
//! The machine's connections are `crate::sentinel::links` tasks and its scripts a
//! `crate::sentinel::scripts` queue; what this file adds is the server around them: the lock, the
//! local pub/sub for events, and the ACL users a config rewrite writes back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::client::ClientState;
use crate::config::Config;
use crate::log;
use crate::resp::reply::Out;
use crate::sentinel::links::{self, LinkEvent};
use crate::sentinel::scripts::ScriptQueue;
use crate::sentinel::state::{Action, ConnId, Event, Level, Sentinel};
use crate::state::{SentinelRole, Shared, State};
use crate::util::mono_ms;

/// The sentinel's runtime in `State::sentinel` (kept there as a [`SentinelRole`]: the state does
/// not know the sentinel's types). None in a data server.
pub fn runtime(slot: &mut Option<Box<dyn SentinelRole>>) -> Option<&mut Runtime> {
    slot.as_deref_mut().and_then(|rt| rt.as_any_mut().downcast_mut::<Runtime>())
}

/// [`runtime`], read-only.
pub fn runtime_ref(slot: &Option<Box<dyn SentinelRole>>) -> Option<&Runtime> {
    slot.as_deref().and_then(|rt| rt.as_any().downcast_ref::<Runtime>())
}

impl SentinelRole for Runtime {
    fn info_section(&self) -> String {
        self.machine.info_section(mono_ms(), self.scripts.running(), self.scripts.len())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The running sentinel: the state machine plus what executes its actions.
pub struct Runtime {
    pub machine: Sentinel,
    /// Outgoing bytes of each open connection; dropping the sender ends the link task.
    links: HashMap<ConnId, mpsc::UnboundedSender<Vec<u8>>>,
    pub scripts: ScriptQueue,
    flusher: Flusher,
    shared: Weak<Shared>,
}

impl Runtime {
    /// Wraps `machine` and starts the config writer thread.
    pub fn new(machine: Sentinel, shared: &Arc<Shared>) -> Runtime {
        let weak = Arc::downgrade(shared);
        Runtime { machine, links: HashMap::new(), scripts: ScriptQueue::default(), flusher: Flusher::start(weak.clone()), shared: weak }
    }

    /// Executes one I/O action (events and crashes are handled by [`execute`], which needs the
    /// whole state).
    fn perform(&mut self, action: Action, tls: Option<Arc<rustls::ClientConfig>>) {
        match action {
            Action::Connect { conn, host, port, kind } => {
                let (tx, rx) = mpsc::unbounded_channel();
                self.links.insert(conn, tx);
                let (Some(shared), Ok(handle)) = (self.shared.upgrade(), tokio::runtime::Handle::try_current()) else { return };
                log::debug(&format!("Sentinel link {conn} ({kind:?}) connecting to {host}:{port}"));
                handle.spawn(links::run(conn, host, port, tls, rx, move |ev| on_link_event(&shared, conn, ev)));
            }
            Action::Send { conn, argv, .. } => {
                if let Some(tx) = self.links.get(&conn) {
                    let _ = tx.send(crate::resp::request::command_bytes(&argv));
                }
            }
            Action::Close { conn } => {
                self.links.remove(&conn);
            }
            Action::FlushConfig => self.flusher.request(),
            Action::RunScript { path, args } => self.scripts.schedule(path, args),
            Action::Event(_) | Action::Crash => {}
        }
    }
}

/// The client running a command, so events it triggers reach it too when it is subscribed
/// (it is out of `st.clients` while its command runs).
pub type Caller<'a> = Option<(&'a mut ClientState, &'a mut Out)>;

/// Executes `actions` in order. Events are logged and published on the local pub/sub;
/// [`Action::Crash`] exits with status 99 at once (SENTINEL SIMULATE-FAILURE).
pub fn execute(st: &mut State, actions: Vec<Action>, mut caller: Caller) {
    for action in actions {
        match action {
            Action::Event(e) => {
                let caller = caller.as_mut().map(|(m, o)| (&mut **m, &mut **o));
                emit(st, &e, caller);
            }
            Action::Crash => {
                log::warning("Sentinel CRASH because of SENTINEL simulate-failure");
                std::process::exit(99);
            }
            other => {
                // Links are TLS with `tls-replication yes`, as redis-sentinel's.
                let tls = if st.config.get_bool("tls-replication").unwrap_or(false) { st.tls.as_ref().map(|t| t.client.clone()) } else { None };
                if let Some(rt) = runtime(&mut st.sentinel) {
                    rt.perform(other, tls);
                }
            }
        }
    }
}

/// Drains the machine's actions and executes them.
pub fn drain(st: &mut State, caller: Caller) {
    let actions = match runtime(&mut st.sentinel) {
        Some(rt) => rt.machine.take_actions(),
        None => return,
    };
    execute(st, actions, caller);
}

/// [`drain`] for a command that writes the config itself right after ([`flush_now`]): the
/// background flush the machine asked for would only write the same thing again.
pub fn drain_except_flush(st: &mut State, caller: Caller) {
    let actions = match runtime(&mut st.sentinel) {
        Some(rt) => rt.machine.take_actions(),
        None => return,
    };
    execute(st, actions.into_iter().filter(|a| *a != Action::FlushConfig).collect(), caller);
}

/// Logs an event as `<name> <payload>` and, unless it is a debug one, publishes it on the channel
/// named after it (sentinelEvent).
pub fn emit(st: &mut State, e: &Event, caller: Caller) {
    let line = format!("{} {}", e.name, e.payload);
    match e.level {
        Level::Debug => log::debug(&line),
        Level::Verbose => log::verbose(&line),
        Level::Notice => log::notice(&line),
        Level::Warning => log::warning(&line),
    }
    if e.published() {
        let (me, out) = match caller {
            Some((m, o)) => (Some(m), Some(o)),
            None => (None, None),
        };
        crate::pubsub::publish(st, me, out, e.name.as_bytes(), e.payload.as_bytes());
    }
}

/// Feeds what a link task reports to the machine.
fn on_link_event(shared: &Shared, conn: ConnId, ev: LinkEvent) {
    match ev {
        LinkEvent::ConnectFailed(reason) => link_ended(shared, conn, |m, now| m.on_connect_failed(conn, &reason, now)),
        LinkEvent::Connected { local_ip, peer_ip } => with_machine(shared, |m, now| m.on_connected(conn, local_ip, peer_ip, now)),
        LinkEvent::Replies(frames) => with_machine(shared, |m, now| {
            for f in frames {
                m.on_reply(conn, f, now);
            }
        }),
        LinkEvent::Lost => link_ended(shared, conn, |m, now| m.on_disconnected(conn, now)),
    }
}

/// Runs `f` on the machine under the lock (with the monotonic time) and executes what it asked for.
/// Does nothing once the sentinel is gone (shutdown).
fn with_machine(shared: &Shared, f: impl FnOnce(&mut Sentinel, u64)) {
    let mut st = shared.lock();
    let Some(rt) = runtime(&mut st.sentinel) else { return };
    f(&mut rt.machine, mono_ms());
    drain(&mut st, None);
}

/// [`with_machine`] for a link task reporting that its connection is over (failed to connect,
/// or lost): its channel is forgotten too.
fn link_ended(shared: &Shared, conn: ConnId, f: impl FnOnce(&mut Sentinel, u64)) {
    let mut st = shared.lock();
    let Some(rt) = runtime(&mut st.sentinel) else { return };
    rt.links.remove(&conn);
    f(&mut rt.machine, mono_ms());
    drain(&mut st, None);
}

/// The timer: ticks the machine at the rate it asks for, and runs the script queue (sentinelTimer).
pub async fn timer(shared: Arc<Shared>) {
    loop {
        let delay = match runtime(&mut shared.lock().sentinel) {
            Some(rt) => rt.machine.next_tick_delay_ms(),
            None => return,
        };
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let mut st = shared.lock();
        let Some(rt) = runtime(&mut st.sentinel) else { return };
        let now = mono_ms();
        rt.machine.tick(now);
        let mut actions = rt.machine.take_actions();
        actions.extend(rt.scripts.tick(now).into_iter().map(Action::Event));
        execute(&mut st, actions, None);
    }
}

/// Error text of a failed synchronous flush, as SENTINEL commands reply it.
pub const FLUSH_FAILED: &str = "ERR Failed to save config file. Check server logs.";

/// Rewrites the config file now (sentinelFlushConfig), for commands that reply with its outcome.
/// The error is already logged.
pub fn flush_now(st: &mut State) -> Result<(), String> {
    let State { sentinel, config, acl, .. } = st;
    let Some(rt) = runtime(sentinel) else { return Ok(()) };
    rt.flusher.dirty.store(false, Ordering::Release);
    let snapshot = rt.flusher.snapshot(&rt.machine, config, acl);
    rt.flusher.write(snapshot)
}

/// Writes a pending flush before exit (the writer thread may not have run yet).
pub fn flush_if_pending(st: &mut State) {
    let pending = runtime_ref(&st.sentinel).is_some_and(|rt| rt.flusher.dirty.load(Ordering::Acquire));
    if pending {
        let _ = flush_now(st);
    }
}

/// One state of the config to write, numbered so an older one never overwrites a newer one.
struct Snapshot {
    seq: u64,
    config: Config,
    settings: crate::sentinel::settings::SentinelSettings,
    /// The ACL users' `user` lines, written as Redis writes them.
    users: Vec<Vec<u8>>,
}

/// Config flushes off the hot path: `request` wakes a writer thread that snapshots the state
/// under the lock and writes it. Snapshots are numbered under the lock and the file is written
/// under `written`, skipping any snapshot older than the last one written, so the synchronous
/// path ([`flush_now`]) and the thread can never reorder the file's history.
struct Flusher {
    wake: std::sync::mpsc::Sender<()>,
    next_seq: u64,
    written: Arc<Mutex<u64>>,
    /// A request the thread has not snapshotted yet.
    dirty: Arc<AtomicBool>,
}

impl Flusher {
    fn start(shared: Weak<Shared>) -> Flusher {
        let (wake, rx) = std::sync::mpsc::channel::<()>();
        let written = Arc::new(Mutex::new(0));
        let dirty = Arc::new(AtomicBool::new(false));
        let thread_written = written.clone();
        let spawned = std::thread::Builder::new().name("sentinel-flush".into()).spawn(move || {
            while rx.recv().is_ok() {
                // Requests that piled up meanwhile are covered by this one snapshot.
                while rx.try_recv().is_ok() {}
                let Some(shared) = shared.upgrade() else { return };
                let snapshot = {
                    let mut st = shared.lock();
                    let State { sentinel, config, acl, .. } = &mut *st;
                    match runtime(sentinel) {
                        Some(rt) => {
                            rt.flusher.dirty.store(false, Ordering::Release);
                            rt.flusher.snapshot(&rt.machine, config, acl)
                        }
                        None => return,
                    }
                };
                drop(shared);
                let _ = write_snapshot(&thread_written, snapshot);
            }
        });
        if let Err(e) = spawned {
            log::warning(&format!("Can't start the sentinel config writer thread: {e}"));
        }
        Flusher { wake, next_seq: 0, written, dirty }
    }

    fn request(&mut self) {
        self.dirty.store(true, Ordering::Release);
        let _ = self.wake.send(());
    }

    /// Numbers and copies what is to be written (under the state lock).
    fn snapshot(&mut self, machine: &Sentinel, config: &Config, acl: &crate::acl::Acl) -> Snapshot {
        self.next_seq += 1;
        Snapshot { seq: self.next_seq, config: config.clone(), settings: machine.settings(), users: acl.lines() }
    }

    fn write(&self, snapshot: Snapshot) -> Result<(), String> {
        write_snapshot(&self.written, snapshot)
    }
}

/// Writes `s` unless a newer snapshot was written already; logs the outcome like Redis.
fn write_snapshot(written: &Mutex<u64>, s: Snapshot) -> Result<(), String> {
    let mut last = written.lock().unwrap_or_else(|p| p.into_inner());
    if s.seq <= *last {
        return Ok(());
    }
    match crate::sentinel::config::flush_config(&s.config, &s.settings, Some(&s.users)) {
        Ok(()) => {
            *last = s.seq;
            log::notice(crate::sentinel::config::FLUSHED);
            Ok(())
        }
        Err(e) => {
            log::warning(&e);
            Err(e)
        }
    }
}
