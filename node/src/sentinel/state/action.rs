//! What the state machine asks its driver to do, and the ids the driver reports back with.

use std::fmt;

/// One connection attempt (a TCP stream to an instance). Allocated by the state machine in
/// [`Action::Connect`]; every later input about that stream carries the same id. Ids are never reused,
/// so a late report about an old stream is recognised and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

impl fmt::Display for ConnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "conn#{}", self.0)
    }
}

/// Which of an instance's two links a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// Commands (PING, INFO, PUBLISH, SENTINEL ..., the SLAVEOF transaction); replies come in order.
    Cmd,
    /// `SUBSCRIBE __sentinel__:hello` on a master or replica; every frame counts as activity.
    PubSub,
}

/// What a command's reply means to the state machine. The machine keeps the FIFO of these per
/// command connection itself; the tag is in [`Action::Send`] for logging and tests only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// AUTH, CLIENT SETNAME, the SLAVEOF transaction, SCRIPT KILL, SUBSCRIBE: effects are observed
    /// through INFO, the reply is dropped.
    Discard,
    /// PING: `+PONG`, `-LOADING`, `-MASTERDOWN` mark the instance available.
    Ping,
    /// INFO: the bulk reply is parsed (role, replicas, offsets).
    Info,
    /// PUBLISH of our hello: a non-error reply records the publish time.
    Publish,
    /// SENTINEL is-master-down-by-addr: `*3 :down $leader :epoch`.
    IsMasterDown,
    /// FAILOVER TO of a coordinated handover: `+OK` (the master hands over) or an error (it cannot).
    Handover,
}

/// Log level of an event (Redis's LL_DEBUG .. LL_WARNING).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Logged only, never published.
    Debug,
    Verbose,
    Notice,
    /// Also runs the master's notification script (a separate [`Action::RunScript`] is emitted).
    Warning,
}

/// A sentinel event: published on the channel named `name` with `payload`, and logged as
/// `<name> <payload>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub level: Level,
    /// `+sdown`, `+switch-master`, ... (also the pub/sub channel).
    pub name: String,
    /// Exactly what Redis publishes, `%@` already expanded.
    pub payload: String,
}

impl Event {
    /// Whether local pub/sub subscribers see it (debug events are log-only).
    pub fn published(&self) -> bool {
        self.level != Level::Debug
    }
}

/// One thing for the driver to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open a TCP connection to `host:port` (resolving `host` if it is a name) and then report
    /// [`super::Sentinel::on_connected`]; a refused, timed-out or unresolvable connect is reported
    /// with [`super::Sentinel::on_connect_failed`]. The [`Action::Send`]s for `conn` that follow
    /// (the AUTH / CLIENT SETNAME / PING or SUBSCRIBE handshake) may be issued before the connect
    /// completes: the driver buffers and writes them, pipelined, once connected.
    Connect { conn: ConnId, host: String, port: u16, kind: LinkKind },
    /// Write `argv` as a RESP2 array on `conn`. Every frame read from `conn` goes to
    /// [`super::Sentinel::on_reply`], in order. Sends for a closed or unknown `conn` are dropped.
    Send { conn: ConnId, argv: Vec<String>, expect: Expect },
    /// Close `conn` and report nothing more about it.
    Close { conn: ConnId },
    /// Publish (unless debug) and log an event.
    Event(Event),
    /// Rewrite the config file from [`super::Sentinel::settings`] and fsync it.
    FlushConfig,
    /// Queue `path args...` for execution (notification or client-reconfig script) with Redis's
    /// rules: at most 16 running, 60 s max runtime, exit 1 / signal retried up to 10 times.
    RunScript { path: String, args: Vec<String> },
    /// A `SENTINEL SIMULATE-FAILURE` crash point was reached: exit the process with code 99 at once,
    /// without executing the actions that follow.
    Crash,
}
