//! Server configuration, compatible with redis-server 7.0: the config file and `--option`
//! arguments, CONFIG GET / SET / REWRITE, with Redis's directive table, defaults and messages.
//! Ground: it imports only `util` (Redis's number parsing, globs, `repr`), `resp` (Redis's argument
//! splitting) and `notify` (the event flag bits); the commands, which sit above, hand in their
//! names for `rename-command` ([`set_command_catalog`]).
//!
//! Every Redis 7.0 directive is known (aliases included). The values the server reads on hot
//! paths are typed public fields of [`Config`]; the others live in a generic store reached through
//! [`Config::get`]. Both are kept in sync because each directive has exactly one home (see
//! `directives::Slot`): a typed field is the only copy of its directive's value, so a server that
//! assigns a field directly is seen by CONFIG GET and CONFIG REWRITE too.
//!
//! Unlike redis-server, this module never changes the process's working directory: `dir` is kept
//! as an absolute path (resolved like `chdir` would), and [`Config::resolve_path`] joins relative
//! file names to it.
//!
//! In sentinel mode (`Config::from_args_sentinel`, in the sentinel's config module) the same loader
//! reads sentinel.conf: the `sentinel ...` lines are queued for the sentinel module, which also
//! adds the sentinel state to a rewrite.
//!
//! Modules: `directives` (the directive table), `value` (parsing and formatting values), `store`
//! (moving values in and out of `Config`), `load` (config text, files and argv), `command`
//! (CONFIG GET/SET), `rewrite` (CONFIG REWRITE), `notify` (keyspace event flags), `error` (the
//! start-up error, printed as redis-server prints it); `tests.rs` checks the whole against
//! redis-server 7.0.15 (`testdata/` holds its CONFIG GET defaults).

mod command;
mod directives;
mod error;
mod load;
mod notify;
mod rewrite;
mod store;
mod value;
pub(crate) use value::memtoull;

use std::path::PathBuf;

pub use error::ConfigError;

/// Whether the server has a command by this (top-level) name, before any rename. The command table
/// sits above the configuration, so it hands this in ([`set_command_catalog`]) before a file is read;
/// without it (unit tests), every name counts as known.
static COMMAND_CATALOG: std::sync::OnceLock<fn(&[u8]) -> bool> = std::sync::OnceLock::new();

/// Installs the check `rename-command` validates its names with.
pub fn set_command_catalog(known: fn(&[u8]) -> bool) {
    let _ = COMMAND_CATALOG.set(known);
}
pub(crate) use load::{has_comment_token, has_nbsp, inline_comment_reason, without_nbsp, SentinelLine, SENTINEL_DEFAULT_PORT};
pub use notify::{notify_flags_from_str, notify_flags_to_string};
pub(crate) use rewrite::{overwrite_atomically, read_old, rewritten_content, RewriteState};
pub(crate) use value::strerror;
pub use value::ObufLimit;

use value::Val;

/// Log verbosity (`loglevel`). Redis 7.0 accepts debug, verbose, notice and warning; `Nothing`
/// exists for the server's own use (silencing logs) and shows as "unknown" in CONFIG GET.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
    Nothing,
}

/// Client classes of `client-output-buffer-limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientClass {
    Normal,
    Replica,
    Pubsub,
}

/// The whole configuration. Typed fields mirror the directives named in their docs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `port` (0: no TCP listener).
    pub port: u16,
    /// `bind`: addresses to listen on (empty: none). Default `* -::*`.
    pub bind: Vec<String>,
    /// `protected-mode`.
    pub protected_mode: bool,
    /// `requirepass` (None when unset).
    pub requirepass: Option<Vec<u8>>,
    /// `timeout`: idle client timeout in seconds (0: never).
    pub timeout: u64,
    /// `tcp-keepalive` in seconds.
    pub tcp_keepalive: u64,
    /// `maxclients`.
    pub maxclients: usize,
    /// `databases`.
    pub databases: usize,
    /// `daemonize`.
    pub daemonize: bool,
    /// `pidfile` ("" when unset; Redis then uses /var/run/redis.pid if daemonized).
    pub pidfile: String,
    /// `logfile` ("" logs to stdout).
    pub logfile: String,
    /// `loglevel`.
    pub loglevel: LogLevel,
    /// `dir`, always absolute.
    pub dir: String,
    /// `unixsocket` ("" when unset).
    pub unixsocket: String,
    /// `proto-max-bulk-len`.
    pub proto_max_bulk_len: i64,
    /// `client-query-buffer-limit`.
    pub client_query_buffer_limit: usize,
    /// `ha-sync-replicas` (ours): replicas that must acknowledge a write before its reply; 0 = off.
    pub ha_sync_replicas: usize,
    /// `ha-sync-timeout-ms` (ours): how long a reply waits for them (0 = no limit).
    pub ha_sync_timeout_ms: i64,
    /// `ha-write-fence-ms` (ours): see `fence.rs`; 0 = off.
    pub ha_write_fence_ms: i64,
    /// `notify-keyspace-events` as bit flags (see `crate::notify`).
    pub notify_keyspace_events: u32,
    /// `hz`, already clamped to 1..=500 like Redis does.
    pub hz: u32,
    /// `slowlog-log-slower-than` in microseconds (-1 disables, 0 logs everything).
    pub slowlog_log_slower_than: i64,
    /// `slowlog-max-len`.
    pub slowlog_max_len: usize,
    /// `latency-monitor-threshold` in milliseconds.
    pub latency_monitor_threshold: u64,
    /// `hash-max-listpack-entries` (alias hash-max-ziplist-entries).
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value` (alias hash-max-ziplist-value).
    pub hash_max_listpack_value: usize,
    /// `set-max-intset-entries`.
    pub set_max_intset_entries: usize,
    /// `zset-max-listpack-entries` (alias zset-max-ziplist-entries).
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value` (alias zset-max-ziplist-value).
    pub zset_max_listpack_value: usize,
    /// `stream-node-max-bytes`.
    pub stream_node_max_bytes: usize,
    /// `stream-node-max-entries`.
    pub stream_node_max_entries: i64,
    /// `list-max-listpack-size` (alias list-max-ziplist-size).
    pub list_max_listpack_size: i64,
    /// `maxmemory` in bytes (0: no limit).
    pub maxmemory: u64,
    /// `maxmemory-policy`, e.g. "noeviction".
    pub maxmemory_policy: String,
    /// `active-expire-effort` (1..=10).
    pub active_expire_effort: u32,
    /// `enable-debug-command`: "no", "yes" or "local".
    pub enable_debug_command: String,
    /// `replicaof` / `slaveof`: master host and port.
    pub replicaof: Option<(String, u16)>,
    /// `appendonly`.
    pub appendonly: bool,
    /// `save` points as (seconds, changes); empty: no automatic saves.
    pub save: Vec<(u64, u64)>,
    /// The config file path as given (None when no file), used by CONFIG REWRITE and INFO's config_file.
    pub file: Option<PathBuf>,
    /// `rename-command <name> <new-name>` lines in file order (an empty new name removes the
    /// command), checked as Redis checks them; the command table applies them.
    pub rename_commands: Vec<(Vec<u8>, Vec<u8>)>,
    /// The arguments after `user` of each `user` line, in file order, for the ACL code.
    pub users: Vec<Vec<Vec<u8>>>,
    /// Values of directives without a typed field, indexed like `table::DIRECTIVES`.
    other: Vec<Val>,
    /// The config file made absolute when it was loaded, so a later chdir cannot lose it.
    file_abs: Option<PathBuf>,
    /// A `save` line was read from the configuration: later ones add save points.
    save_loaded: bool,
    /// Sentinel mode: `sentinel ...` lines are queued for the sentinel's config reader, non-breaking
    /// spaces that break a line are read as spaces, and a rewrite leaves `save` out.
    sentinel_mode: bool,
    /// The `sentinel ...` lines read in sentinel mode, in the order they were read.
    sentinel_lines: Vec<SentinelLine>,
    /// (source, line, read as spaces) of the lines holding non-breaking spaces (sentinel mode):
    /// lines that only loaded once they were read as spaces, or that loaded as written.
    nbsp_lines: Vec<(String, usize, bool)>,
}

impl Default for Config {
    /// Redis 7.0's compiled-in defaults (`dir` is the working directory).
    fn default() -> Self {
        let mut c = Config {
            port: 0,
            bind: Vec::new(),
            protected_mode: false,
            requirepass: None,
            timeout: 0,
            tcp_keepalive: 0,
            maxclients: 0,
            databases: 0,
            daemonize: false,
            pidfile: String::new(),
            logfile: String::new(),
            loglevel: LogLevel::Notice,
            dir: String::new(),
            unixsocket: String::new(),
            proto_max_bulk_len: 0,
            client_query_buffer_limit: 0,
            ha_sync_replicas: 0,
            ha_sync_timeout_ms: 0,
            ha_write_fence_ms: 0,
            notify_keyspace_events: 0,
            hz: 0,
            slowlog_log_slower_than: 0,
            slowlog_max_len: 0,
            latency_monitor_threshold: 0,
            hash_max_listpack_entries: 0,
            hash_max_listpack_value: 0,
            set_max_intset_entries: 0,
            zset_max_listpack_entries: 0,
            zset_max_listpack_value: 0,
            stream_node_max_bytes: 0,
            stream_node_max_entries: 0,
            list_max_listpack_size: 0,
            maxmemory: 0,
            maxmemory_policy: String::new(),
            active_expire_effort: 0,
            enable_debug_command: String::new(),
            replicaof: None,
            appendonly: false,
            save: Vec::new(),
            file: None,
            rename_commands: Vec::new(),
            users: Vec::new(),
            other: Vec::new(),
            file_abs: None,
            save_loaded: false,
            sentinel_mode: false,
            sentinel_lines: Vec::new(),
            nbsp_lines: Vec::new(),
        };
        c.reset_to_defaults();
        c
    }
}

impl Config {
    /// Value of one directive by name or alias (any case), as CONFIG GET shows it.
    pub fn get(&self, name: &str) -> Option<String> {
        self.get_raw(name.as_bytes()).map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    /// Like [`Config::get`], without the lossy UTF-8 conversion (passwords may be binary).
    pub fn get_raw(&self, name: &[u8]) -> Option<Vec<u8>> {
        let entry = directives::lookup(name)?;
        Some(value::format_value(&entry.directive().kind, &self.read(entry.idx)))
    }

    /// A yes/no directive's value.
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        match self.read(directives::lookup(name.as_bytes())?.idx) {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A numeric directive's value (memory values in bytes; a percentage `N%` reads as `-N`, as
    /// Redis stores it; unsigned 64-bit values keep their bits).
    pub fn get_int(&self, name: &str) -> Option<i64> {
        match self.read(directives::lookup(name.as_bytes())?.idx) {
            Val::Num(n) => Some(n),
            _ => None,
        }
    }

    /// The output buffer limits of a client class.
    pub fn client_output_buffer_limit(&self, class: ClientClass) -> ObufLimit {
        let limits = match directives::lookup(b"client-output-buffer-limit").map(|e| self.read(e.idx)) {
            Some(Val::Obuf(l)) => l,
            _ => value::OBUF_DEFAULTS,
        };
        limits[class as usize]
    }

    /// True for directives whose value must not be shown in logs, slowlog or MONITOR
    /// (`requirepass`, `masterauth`, `masteruser`).
    pub fn is_sensitive(name: &[u8]) -> bool {
        directives::lookup(name).is_some_and(|e| e.directive().has(directives::SENSITIVE))
    }

    /// True for directives CONFIG SET must refuse while the dataset is loading (Redis replies
    /// -LOADING for them).
    pub fn denied_while_loading(name: &[u8]) -> bool {
        directives::lookup(name).is_some_and(|e| e.directive().has(directives::DENY_LOADING))
    }

    /// The config file as an absolute path (made absolute against the working directory at load
    /// time, like redis-server's `configfile`), for INFO's config_file after main has chdir'ed.
    pub fn file_abs(&self) -> Option<&std::path::Path> {
        self.file_abs.as_deref().or(self.file.as_deref())
    }

    /// True when loaded for the sentinel role (`Config::from_args_sentinel`).
    pub fn is_sentinel(&self) -> bool {
        self.sentinel_mode
    }

    /// Joins a relative path to `dir`, where redis-server (which chdirs there) would find it.
    pub fn resolve_path(&self, path: &str) -> PathBuf {
        std::path::Path::new(&self.dir).join(path)
    }

    /// CONFIG REWRITE: rewrites `file` keeping comments and order, like Redis (changed lines
    /// replaced in place, new ones appended after the "# Generated by CONFIG REWRITE" marker,
    /// defaults that were never in the file not added, removed duplicates...). The error is the
    /// reply text without the leading '-'.
    pub fn rewrite(&self) -> Result<(), String> {
        self.rewrite_with_users(None)
    }

    /// CONFIG REWRITE with the ACL users' `user` lines (`ACL LIST`'s), written where Redis
    /// writes them; None leaves the file's `user` lines as they are.
    pub fn rewrite_with_users(&self, users: Option<&[Vec<u8>]>) -> Result<(), String> {
        let Some(path) = self.file_abs() else {
            return Err("ERR The server is running without a config file".into());
        };
        rewrite::rewrite_file(self, path, users)
    }
}

impl LogLevel {
    /// The name Redis uses in the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Verbose => "verbose",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
            LogLevel::Nothing => "nothing",
        }
    }
}

#[cfg(test)]
mod tests;
