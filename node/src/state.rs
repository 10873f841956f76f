//! The server's shared state: keyspace, config, clients, pub/sub, blocking and WATCH registries,
//! statistics. All of it sits behind one mutex (`Shared::state`); a connection takes the lock once
//! per batch of pipelined commands, so the data path has Redis's one-command-at-a-time semantics.

use bytes::Bytes;
use hashbrown::HashMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};

use crate::client::ClientState;
use crate::config::Config;
use crate::db::types::EncodingLimits;
use crate::db::Db;
use crate::stats::Stats;
use crate::util::{now_ms, Rng};

/// One SLOWLOG entry.
#[derive(Debug, Clone)]
pub struct SlowEntry {
    pub id: u64,
    pub time_s: i64,
    pub duration_us: i64,
    pub argv: Vec<Bytes>,
    pub addr: String,
    pub name: String,
}

/// CLIENT PAUSE in force.
#[derive(Debug, Clone, Copy)]
pub struct Pause {
    pub until_ms: i64,
    /// PAUSE WRITE: only writes (and a few others) wait.
    pub write_only: bool,
}

/// A requested shutdown (SHUTDOWN command or signal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownRequest {
    Default,
    Save,
    NoSave,
}

/// What the rest of the server asks of the sentinel role running in it. The sentinel sits above
/// the server and implements this; nothing below it names the sentinel's types.
pub trait SentinelRole: Send {
    /// INFO's `# Sentinel` section (the metrics endpoint reads it).
    fn info_section(&self) -> String;
    /// The sentinel's own runtime, for the sentinel's code.
    fn as_any(&self) -> &dyn std::any::Any;
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

pub struct State {
    pub(crate) config: Config,
    /// The keyspace: one `Db` per SELECT index.
    pub(crate) dbs: Vec<Db>,
    pub(crate) clients: HashMap<u64, Box<ClientState>>,
    /// The clients' memory as INFO reports it, updated by the cron (`client::memory`).
    pub(crate) client_memory: crate::client::memory::ClientsMemory,
    /// channel → subscribers in subscription order.
    pub(crate) channels: HashMap<Bytes, Vec<u64>>,
    /// (pattern, subscriber) in subscription order.
    pub(crate) patterns: Vec<(Bytes, u64)>,
    /// Shard channel -> subscribed client ids (SSUBSCRIBE).
    pub(crate) shard_channels: HashMap<Bytes, Vec<u64>>,
    /// (db, key) → clients blocked on it, first come first served.
    pub(crate) blocking_keys: HashMap<(usize, Bytes), VecDeque<u64>>,
    /// Keys that received data while someone was blocked on them; served after the current command.
    pub(crate) ready_keys: Vec<(usize, Bytes)>,
    /// Set while blocked clients are being served, so serving does not recurse.
    pub(crate) serving_blocked: bool,
    /// XREADGROUP clients among the blocked (they are unblocked when their stream goes away).
    pub(crate) group_readers_blocked: usize,
    /// Client-side caching: tracked keys and BCAST prefixes.
    pub(crate) tracking: crate::tracking::tables::Tracking,
    /// The key whose data a blocked client is being served from while its command re-runs (Redis
    /// serves a client blocked on several keys from the key that became ready).
    pub(crate) serving_key: Option<(usize, Bytes)>,
    /// (db, key) → clients watching it, in WATCH order, each with whether the key was already
    /// expired when watched (such a key's lazy deletion is not a change; see `cmd::tx`).
    pub(crate) watched_keys: HashMap<(usize, Bytes), Vec<(u64, bool)>>,
    pub(crate) monitors: Vec<u64>,
    /// DEBUG REPLYBUFFER: how long an idle client's grown reply buffer is kept (ms, -1: forever),
    /// and whether idle buffers are shrunk at all.
    pub(crate) reply_buffer_peak_reset_ms: i64,
    pub(crate) reply_buffer_resizing: bool,
    /// MIGRATE's cached connections to target instances.
    pub(crate) migrate_sockets: crate::migrate_sockets::MigrateSockets,
    pub(crate) stats: Stats,
    pub(crate) rng: Rng,
    /// Changes since the last save (rdb_changes_since_last_save).
    pub(crate) dirty: u64,
    /// The clock reading that ended the latest command's duration (µs), 0 until one runs. The next
    /// command of the same pipelined batch starts from it instead of reading the clock again.
    pub(crate) last_call_end_us: i64,
    pub(crate) start_ms: i64,
    pub(crate) run_id: String,
    pub(crate) slowlog: VecDeque<SlowEntry>,
    pub(crate) slowlog_next_id: u64,
    pub(crate) pause: Option<Pause>,
    pub(crate) shutdown: Option<ShutdownRequest>,
    pub(crate) enc: EncodingLimits,
    /// `client-output-buffer-limit` of each class (indexed by `ClientClass`), cached.
    pub(crate) obuf_limits: [crate::config::ObufLimit; 3],
    /// Unix seconds of the last successful save.
    pub(crate) lastsave: i64,
    /// Latency events: name → (latest time s, latest ms, max ms, history).
    pub(crate) latency: HashMap<String, LatencyEvent>,
    /// Listening port actually bound (port 0 in config picks one).
    pub(crate) bound_port: u16,
    pub(crate) executable: String,
    pub(crate) config_file_abs: String,
    /// DEBUG SET-ACTIVE-EXPIRE.
    pub(crate) active_expire_enabled: bool,
    pub(crate) peak_memory: u64,
    pub(crate) startup_memory: u64,
    /// Write operations on their way to the AOF and replicas.
    pub(crate) prop: crate::propagate::ops::Propagation,
    pub(crate) aof: crate::persistence::aof_writer::Aof,
    /// SAVE / BGSAVE bookkeeping and the background child.
    pub(crate) snapshots: crate::persistence::save_status::SaveStatus,
    /// Replication: our replicas, our master link, the stream's IDs, offsets and backlog.
    pub(crate) repl: crate::repl::replication::Replication,
    /// Write fencing: the sentinels this master has heard from (see `fence`).
    pub(crate) fence: crate::fence::contacts::Fence,
    /// Set while the dataset loads at start-up (commands get -LOADING).
    pub(crate) loading: Option<crate::persistence::loading::Loading>,
    /// Set while a replica parses its master's RDB with `repl-diskless-load swapdb`, the old dataset
    /// still serving (INFO `async_loading`).
    pub(crate) async_loading: bool,
    /// maxmemory: eviction settings and state (see `evict`).
    pub(crate) evict: crate::evict::evictor::Evictor,
    /// Sentinel mode: the running sentinel (state machine and its driver); `None` for a data server.
    /// The type stays the sentinel's own (it sits beside the data server, above this state).
    pub(crate) sentinel: Option<Box<dyn SentinelRole>>,
    /// Scripting: the Lua interpreters, the EVAL cache, the FUNCTION libraries, the running script.
    pub(crate) scripts: crate::script::Scripts,
    /// ACL users (`acl/`); each client holds the id of its user.
    pub(crate) acl: crate::acl::Acl,
    /// TLS settings for new connections (`tls-*`), when TLS is configured.
    pub(crate) tls: Option<Arc<crate::tls::Tls>>,
}

#[derive(Debug, Clone, Default)]
pub struct LatencyEvent {
    pub latest_s: i64,
    pub latest_ms: u64,
    pub max_ms: u64,
    pub history: VecDeque<(i64, u64)>,
}

impl State {
    pub fn new(config: Config) -> State {
        let mut rng = Rng::seeded();
        let run_id = rng.hex(40);
        let repl = crate::repl::replication::Replication::new(&mut rng, &config);
        let dbs = (0..config.databases.max(1)).map(|_| Db::new()).collect();
        let enc = encoding_limits(&config);
        let obuf_limits = obuf_limits(&config);
        let evict = crate::evict::evictor::Evictor::new(&config);
        let mut acl = crate::acl::Acl::new(config.get("acl-pubsub-default").as_deref() == Some("allchannels"));
        acl.set_default_password(config.requirepass.as_deref());
        State {
            config,
            dbs,
            clients: HashMap::new(),
            client_memory: Default::default(),
            channels: HashMap::new(),
            patterns: Vec::new(),
            shard_channels: HashMap::new(),
            blocking_keys: HashMap::new(),
            ready_keys: Vec::new(),
            serving_blocked: false,
            group_readers_blocked: 0,
            tracking: Default::default(),
            serving_key: None,
            watched_keys: HashMap::new(),
            monitors: Vec::new(),
            reply_buffer_peak_reset_ms: REPLY_BUFFER_DEFAULT_PEAK_RESET_MS,
            reply_buffer_resizing: true,
            migrate_sockets: Default::default(),
            stats: Stats::default(),
            rng,
            dirty: 0,
            last_call_end_us: 0,
            start_ms: now_ms(),
            run_id,
            slowlog: VecDeque::new(),
            slowlog_next_id: 0,
            pause: None,
            shutdown: None,
            enc,
            obuf_limits,
            lastsave: now_ms() / 1000,
            latency: HashMap::new(),
            bound_port: 0,
            executable: String::new(),
            config_file_abs: String::new(),
            prop: Default::default(),
            aof: Default::default(),
            snapshots: Default::default(),
            loading: None,
            async_loading: false,
            repl,
            fence: crate::fence::contacts::Fence::default(),
            active_expire_enabled: true,
            peak_memory: 0,
            startup_memory: crate::alloc::used_memory(),
            evict,
            sentinel: None,
            scripts: Default::default(),
            acl,
            tls: None,
        }
    }

    /// The configuration's ACL users or aclfile (`ACLLoadUsersAtStartup`), once at start-up.
    pub fn load_acl_users(&mut self) -> Result<(), String> {
        let aclfile = self.config.get("aclfile").unwrap_or_default();
        self.acl.load_at_startup(&self.config.users, &aclfile)
    }

    /// Re-reads the values cached from the config after CONFIG SET.
    pub fn refresh_from_config(&mut self) {
        self.enc = encoding_limits(&self.config);
        self.obuf_limits = obuf_limits(&self.config);
        self.evict.refresh(&self.config);
        self.aof.refresh(&self.config);
        self.repl.refresh(&self.config);
    }

    /// Records what INFO server shows of the process once it listens: the port bound (port 0 picks
    /// one), the executable and the config file's absolute path.
    pub fn set_process_info(&mut self, bound_port: u16) {
        self.bound_port = bound_port;
        self.executable = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default();
        self.config_file_abs = self.config.file_abs().map(|p| p.display().to_string()).unwrap_or_default();
    }

    /// The running configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The keyspace, one `Db` per SELECT index.
    pub fn dbs(&self) -> &[Db] {
        &self.dbs
    }

    /// Puts a loaded dataset (an RDB, an AOF's base, a full sync's payload) in place of the
    /// current one.
    pub fn install_dataset(&mut self, dbs: Vec<Db>) {
        self.dbs = dbs;
    }

    pub fn total_keys(&self) -> usize {
        self.dbs.iter().map(|d| d.len()).sum()
    }
}

/// The hard limit of the `pubsub` class in `client-output-buffer-limit` ("normal 0 0 0 slave ... pubsub 33554432 8388608 60").
fn obuf_limits(c: &Config) -> [crate::config::ObufLimit; 3] {
    use crate::config::ClientClass;
    [ClientClass::Normal, ClientClass::Replica, ClientClass::Pubsub].map(|class| c.client_output_buffer_limit(class))
}

pub fn encoding_limits(c: &Config) -> EncodingLimits {
    EncodingLimits {
        hash_max_entries: c.hash_max_listpack_entries,
        hash_max_value: c.hash_max_listpack_value,
        set_max_intset: c.set_max_intset_entries,
        zset_max_entries: c.zset_max_listpack_entries,
        zset_max_value: c.zset_max_listpack_value,
        stream: crate::db::stream::NodeLimits { max_bytes: c.stream_node_max_bytes, max_entries: c.stream_node_max_entries },
    }
}

/// The dispatcher's entry points for the parts below the commands that replay commands: the AOF
/// loader and a replica applying its master's stream. The dispatcher installs them at start-up
/// (`cmd::install`); the state only holds them, so nothing down here imports the commands.
#[derive(Clone, Copy)]
pub struct Dispatcher {
    /// Runs one command; what it replies goes to `out`. Nobody closes a replayed client, so the
    /// dispatcher's outcome is not handed back.
    pub execute: fn(&mut State, &mut ClientState, &mut crate::resp::reply::Out, Vec<Bytes>),
    /// Whether the command table knows `argv`'s command (and subcommand).
    pub knows: fn(&[Bytes]) -> bool,
}

static DISPATCHER: std::sync::OnceLock<Dispatcher> = std::sync::OnceLock::new();

/// Installs the dispatcher's entry points (once; later calls do nothing).
pub fn set_dispatcher(d: Dispatcher) {
    let _ = DISPATCHER.set(d);
}

fn dispatcher() -> &'static Dispatcher {
    DISPATCHER.get().expect("the dispatcher is installed (cmd::install) before any command is replayed")
}

/// Runs `argv` for `me` through the installed dispatcher.
pub fn execute(st: &mut State, me: &mut ClientState, out: &mut crate::resp::reply::Out, argv: Vec<Bytes>) {
    (dispatcher().execute)(st, me, out, argv)
}

/// Whether the installed dispatcher knows `argv`'s command.
pub fn knows_command(argv: &[Bytes]) -> bool {
    (dispatcher().knows)(argv)
}

/// What every connection task holds.
/// REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME (DEBUG REPLYBUFFER PEAK-RESET-TIME RESET).
pub const REPLY_BUFFER_DEFAULT_PEAK_RESET_MS: i64 = 5000;

pub struct Shared {
    pub state: Mutex<State>,
    /// Set once shutdown begins; connection tasks stop reading.
    pub shutting_down: AtomicBool,
    /// Number of connected clients (checked against maxclients before taking the lock).
    pub connected: AtomicU64,
    /// Someone waits for replicas' acknowledgements: `repl::master::ack_requests` asks for them.
    pub acks: tokio::sync::Notify,
}

impl Shared {
    pub fn new(config: Config) -> Shared {
        let state = State::new(config);
        Shared { state: Mutex::new(state), shutting_down: AtomicBool::new(false), connected: AtomicU64::new(0), acks: tokio::sync::Notify::new() }
    }

    /// Locks the state. A panic while holding the lock would poison it; commands never panic on
    /// input, and if one ever did, the state is still structurally sound, so keep serving.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}
