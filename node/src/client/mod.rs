//! What the server knows about each connected client (the registry entry behind CLIENT LIST).
//!
//! The socket itself belongs to the connection task (`server/session.rs`); this is the part other
//! clients' commands may need to see or change: name, db, subscriptions, blocking state, kill flag,
//! and the outbox that carries messages (pub/sub, unblocked replies) to the connection task. It
//! sits below the state and imports only what an entry holds: `acl` (the user's id), `tracking`'s
//! tables, `outbox`, `config` (output buffer limits), `util` and `log`.
//!
//! `memory.rs`: a client's buffers as Redis accounts them (CLIENT LIST's `qbuf-free`, `omem`,
//! `tot-mem`, ...).

pub mod memory;

use bytes::Bytes;
use std::collections::HashSet;
use tokio::sync::mpsc;

use crate::config::{ClientClass, ObufLimit};
pub use crate::outbox::ClientMsg;
use crate::outbox::Outbox;

/// What a replica told us with REPLCONF before PSYNC.
#[derive(Debug, Default, Clone)]
pub struct ReplConf {
    pub listening_port: u16,
    pub ip: Option<String>,
    pub capa_eof: bool,
    pub capa_psync2: bool,
}

/// The next client ID (CLIENT ID, CLIENT LIST's `id`): one counter for the whole process, for
/// accepted connections and for the clients the server makes itself (the master link), starting
/// at 1 and never reused, as Redis's `server.next_client_id`.
pub fn next_client_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Reply mode set by CLIENT REPLY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// Skip the reply of the next command only.
    Skip,
    /// Internal: the command after SKIP, whose reply is dropped.
    SkipThis,
}

/// SCRIPT DEBUG's mode for the client's next EVAL (Redis's CLIENT_LUA_DEBUG flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LuaDebug {
    #[default]
    Off,
    /// YES: the session runs in a forked child, on a copy of the data.
    Forked,
    /// SYNC: the server runs the session itself, blocked, and keeps its writes.
    Sync,
}

/// What a blocked client waits for.
#[derive(Debug, Clone)]
pub struct Blocked {
    pub db: usize,
    pub keys: Vec<Bytes>,
    /// Absolute deadline in Unix ms; 0 = forever.
    pub deadline_ms: i64,
    /// The command to run again when a key becomes ready.
    pub argv: Vec<Bytes>,
}

/// The MULTI state of a client.
#[derive(Debug, Default)]
pub struct Multi {
    pub active: bool,
    pub queue: Vec<Vec<Bytes>>,
    /// A queued command failed to parse/check: EXEC will answer EXECABORT.
    pub dirty_queue: bool,
}

#[derive(Debug)]
pub struct ClientState {
    pub id: u64,
    pub addr: String,
    pub laddr: String,
    pub fd: i64,
    pub name: Option<Vec<u8>>,
    pub db: usize,
    pub resp: u8,
    pub authenticated: bool,
    /// The ACL user the connection runs as (the default user until AUTH/HELLO).
    pub user: crate::acl::UserId,
    /// Connected over TLS (`tls-port`).
    pub tls: bool,
    /// Unix ms of creation and of the last command.
    pub created_ms: i64,
    pub last_interaction_ms: i64,
    /// Lowercase full name of the last command ("client|list").
    pub last_cmd: &'static str,
    pub multi: Multi,
    /// Keys watched: (db, key).
    pub watched: Vec<(usize, Bytes)>,
    /// A watched key was touched: EXEC fails.
    pub dirty_cas: bool,
    pub channels: HashSet<Bytes>,
    pub patterns: HashSet<Bytes>,
    /// SSUBSCRIBE's shard channels (without cluster mode: a namespace of their own).
    pub shard_channels: HashSet<Bytes>,
    pub blocked: Option<Blocked>,
    /// Its connection was told to release its buffers (idle); cleared by its next command.
    pub buffers_trimmed: bool,
    /// Held by CLIENT PAUSE, its command to be retried (Redis's BLOCKED_POSTPONE): counts as blocked.
    pub postponed: bool,
    pub reply_mode: ReplyMode,
    pub no_evict: bool,
    pub monitor: bool,
    /// Running EXEC's queue: blocking commands answer at once.
    pub in_exec: bool,
    /// Kill requested; the connection closes after its current output.
    pub killed: bool,
    /// Master link / replica roles (later: replication).
    pub is_replica: bool,
    pub is_master: bool,
    /// The client an AOF is replayed as (Redis's CLIENT_ID_AOF): like the master link, it is obeyed.
    pub is_aof_loader: bool,
    /// The client scripts run their commands as (Redis's CLIENT_LUA).
    pub is_script: bool,
    /// SCRIPT DEBUG's mode.
    pub lua_debug: LuaDebug,
    /// CLIENT TRACKING's mode, when on.
    pub tracking: Option<Box<crate::tracking::tables::ClientTracking>>,
    /// Sizes the connection task reports for CLIENT LIST: the unparsed input it holds, and its
    /// buffers as Redis would account them.
    pub qbuf: usize,
    pub mem: memory::BufferAccount,
    /// The way to this client's connection from other clients, and its pending output.
    pub outbox: Outbox,
    /// Replication offset after this client's last write (what WAIT waits for).
    pub woff: i64,
    /// What the client sent with REPLCONF (a replica about to PSYNC).
    pub repl_conf: Option<ReplConf>,
    /// Input read by the busy loop (while a script ran) that is not yet a whole command; its
    /// connection task parses it before anything it reads next.
    pub busy_input: Vec<u8>,
}

impl ClientState {
    pub fn new(id: u64, addr: String, laddr: String, fd: i64, tx: mpsc::UnboundedSender<ClientMsg>, now_ms: i64) -> Self {
        ClientState {
            id,
            addr,
            laddr,
            fd,
            name: None,
            db: 0,
            resp: 2,
            authenticated: false,
            user: crate::acl::DEFAULT_USER,
            tls: false,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: "NULL",
            multi: Multi::default(),
            watched: Vec::new(),
            dirty_cas: false,
            channels: HashSet::new(),
            patterns: HashSet::new(),
            shard_channels: HashSet::new(),
            blocked: None,
            postponed: false,
            buffers_trimmed: false,
            reply_mode: ReplyMode::On,
            no_evict: false,
            monitor: false,
            in_exec: false,
            killed: false,
            is_replica: false,
            is_master: false,
            is_aof_loader: false,
            is_script: false,
            lua_debug: LuaDebug::Off,
            tracking: None,
            qbuf: 0,
            mem: memory::BufferAccount::default(),
            outbox: Outbox::new(tx),
            woff: 0,
            repl_conf: None,
            busy_input: Vec::new(),
        }
    }

    /// Its buffers and holdings as CLIENT LIST shows them; `running` is the command it is running
    /// when it describes itself.
    pub fn memory(&self, running: Option<&[Bytes]>) -> memory::Shown {
        self.mem.shown(
            self.qbuf,
            &memory::Holdings {
                running,
                queued: &self.multi.queue,
                watched: self.watched.len(),
                channels: self.channels.len(),
                patterns: self.patterns.len(),
                shard_channels: self.shard_channels.len(),
                pending: self.outbox.meter().limited(),
            },
        )
    }

    /// Blocked on keys or WAIT, or held by a pause (INFO blocked_clients, the `b` flag).
    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some() || self.postponed
    }

    /// Every subscription: channels, patterns and shard channels (Redis's CLIENT_PUBSUB flag).
    pub fn subscriptions(&self) -> usize {
        self.channels.len() + self.patterns.len() + self.shard_channels.len()
    }

    /// In RESP2, a client with subscriptions may only run the pub/sub commands.
    pub fn in_pubsub_context(&self) -> bool {
        self.resp == 2 && self.subscriptions() > 0
    }

    /// Sends bytes to this client's connection (they are written in order with its replies).
    pub fn send(&self, data: Vec<u8>) {
        self.outbox.data(data);
    }

    /// The `client-output-buffer-limit` class: a replica (not a MONITOR), a client with
    /// subscriptions (in either protocol), or normal; a master link counts as normal, as in Redis.
    #[inline]
    pub fn obuf_class(&self) -> ClientClass {
        if self.is_replica && !self.monitor {
            ClientClass::Replica
        } else if self.subscriptions() > 0 {
            ClientClass::Pubsub
        } else {
            ClientClass::Normal
        }
    }

    /// Sends `data` as [`Self::send`], then applies the client's output buffer limit to what is
    /// pending for it: over the limit, it is closed without its output (Redis's
    /// `closeClientOnOutputBufferLimitReached`). False if it was.
    pub fn send_within_limit(&self, limits: &[ObufLimit; 3], data: Vec<u8>) -> bool {
        self.outbox.data(data);
        !self.close_if_over_limit(limits)
    }

    /// Closes this client if what is pending for it is over its class's limit (logged once). Runs
    /// after every batch of every client, so the common case (no limit for its class) is inlined.
    #[inline]
    pub fn close_if_over_limit(&self, limits: &[ObufLimit; 3]) -> bool {
        let limit = limits[self.obuf_class() as usize];
        // `0 0 0` (normal clients by default): nothing to check.
        if limit.hard == 0 && limit.soft == 0 {
            return false;
        }
        self.apply_obuf_limit(limit)
    }

    #[cold]
    fn apply_obuf_limit(&self, limit: ObufLimit) -> bool {
        let meter = self.outbox.meter();
        if !meter.over_limit(limit, crate::util::now_ms()) {
            return false;
        }
        if meter.close_asap() {
            crate::log::warning(&format!(
                "Client id={} addr={} laddr={} name={} scheduled to be closed ASAP for overcoming of output buffer limits.",
                self.id,
                self.addr,
                self.laddr,
                self.name.as_deref().map(String::from_utf8_lossy).unwrap_or_default()
            ));
            self.outbox.drop_now();
        }
        true
    }
}
