//! Moves directive values in and out of `Config`: typed fields for the directives the server
//! reads on hot paths, the generic store for the rest, and the one place a directive is set.

use super::directives::{Kind, Slot, Special, DIRECTIVES, MAXMEMORY_POLICIES, PROTECTED_ACTION};
use super::value::{self, CheckCtx, Val};
use super::{Config, LogLevel};

/// Redis keeps `hz` within CONFIG_MIN_HZ..=CONFIG_MAX_HZ whatever is configured.
const MIN_HZ: i64 = 1;
const MAX_HZ: i64 = 500;

/// Whether a directive is being read from configuration text or set by CONFIG SET: `save` lines
/// add up in a file but replace the whole list in CONFIG SET.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    File,
    ConfigSet,
}

fn enum_index(values: &[(&str, u32)], name: &str) -> u32 {
    values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or(u32::MAX)
}

fn enum_string(values: &[(&str, u32)], v: u32) -> String {
    values.iter().find(|(_, val)| *val == v).map(|(n, _)| n.to_string()).unwrap_or_default()
}

/// An empty string is Redis's NULL for these directives.
fn nullable(s: &str) -> Val {
    Val::Str(if s.is_empty() { None } else { Some(s.as_bytes().to_vec()) })
}

fn string_of(v: Option<Vec<u8>>) -> String {
    String::from_utf8_lossy(&v.unwrap_or_default()).into_owned()
}

impl Config {
    /// Puts every directive back to its compiled-in default.
    pub(crate) fn reset_to_defaults(&mut self) {
        self.other = DIRECTIVES
            .iter()
            .map(|d| match d.slot {
                Slot::Generic => value::default_value(&d.kind),
                // Typed directives live in their field; this placeholder is never read.
                _ => Val::Bool(false),
            })
            .collect();
        for (idx, d) in DIRECTIVES.iter().enumerate() {
            if d.slot != Slot::Generic {
                self.write(idx, value::default_value(&d.kind));
            }
        }
        self.save_loaded = false;
    }

    /// The current value of directive `idx`.
    pub(crate) fn read(&self, idx: usize) -> Val {
        let Some(d) = DIRECTIVES.get(idx) else { return Val::Str(None) };
        match d.slot {
            Slot::Generic => self.other.get(idx).cloned().unwrap_or(Val::Str(None)),
            Slot::Port => Val::Num(self.port.into()),
            Slot::Bind => Val::Bind(self.bind.clone()),
            Slot::ProtectedMode => Val::Bool(self.protected_mode),
            Slot::Requirepass => Val::Str(self.requirepass.clone()),
            Slot::Timeout => Val::Num(self.timeout as i64),
            Slot::TcpKeepalive => Val::Num(self.tcp_keepalive as i64),
            Slot::Maxclients => Val::Num(self.maxclients as i64),
            Slot::Databases => Val::Num(self.databases as i64),
            Slot::Daemonize => Val::Bool(self.daemonize),
            Slot::Pidfile => nullable(&self.pidfile),
            Slot::Logfile => Val::Str(Some(self.logfile.as_bytes().to_vec())),
            Slot::Loglevel => Val::Enum(self.loglevel as u32),
            Slot::Dir => Val::Dir(self.dir.clone()),
            Slot::Unixsocket => nullable(&self.unixsocket),
            Slot::ProtoMaxBulkLen => Val::Num(self.proto_max_bulk_len),
            Slot::ClientQueryBufferLimit => Val::Num(self.client_query_buffer_limit as i64),
            Slot::NotifyKeyspaceEvents => Val::Notify(self.notify_keyspace_events),
            Slot::Hz => Val::Num(self.hz.into()),
            Slot::HaSyncReplicas => Val::Num(self.ha_sync_replicas as i64),
            Slot::HaSyncTimeoutMs => Val::Num(self.ha_sync_timeout_ms),
            Slot::HaWriteFenceMs => Val::Num(self.ha_write_fence_ms),
            Slot::SlowlogLogSlowerThan => Val::Num(self.slowlog_log_slower_than),
            Slot::SlowlogMaxLen => Val::Num(self.slowlog_max_len as i64),
            Slot::LatencyMonitorThreshold => Val::Num(self.latency_monitor_threshold as i64),
            Slot::HashMaxListpackEntries => Val::Num(self.hash_max_listpack_entries as i64),
            Slot::HashMaxListpackValue => Val::Num(self.hash_max_listpack_value as i64),
            Slot::SetMaxIntsetEntries => Val::Num(self.set_max_intset_entries as i64),
            Slot::ZsetMaxListpackEntries => Val::Num(self.zset_max_listpack_entries as i64),
            Slot::ZsetMaxListpackValue => Val::Num(self.zset_max_listpack_value as i64),
            Slot::StreamNodeMaxBytes => Val::Num(self.stream_node_max_bytes as i64),
            Slot::StreamNodeMaxEntries => Val::Num(self.stream_node_max_entries),
            Slot::ListMaxListpackSize => Val::Num(self.list_max_listpack_size),
            Slot::Maxmemory => Val::Num(self.maxmemory as i64),
            Slot::MaxmemoryPolicy => Val::Enum(enum_index(MAXMEMORY_POLICIES, &self.maxmemory_policy)),
            Slot::ActiveExpireEffort => Val::Num(self.active_expire_effort.into()),
            Slot::EnableDebugCommand => Val::Enum(enum_index(PROTECTED_ACTION, &self.enable_debug_command)),
            Slot::Replicaof => Val::ReplicaOf(self.replicaof.clone()),
            Slot::Appendonly => Val::Bool(self.appendonly),
            Slot::Save => Val::Save(self.save.clone()),
        }
    }

    /// Stores a value already validated for directive `idx` (bounds make the casts lossless).
    pub(crate) fn write(&mut self, idx: usize, v: Val) {
        let Some(d) = DIRECTIVES.get(idx) else { return };
        match (d.slot, v) {
            (Slot::Generic, v) => {
                if let Some(slot) = self.other.get_mut(idx) {
                    *slot = v;
                }
            }
            (Slot::Port, Val::Num(n)) => self.port = n as u16,
            (Slot::Bind, Val::Bind(b)) => self.bind = b,
            (Slot::ProtectedMode, Val::Bool(b)) => self.protected_mode = b,
            (Slot::Requirepass, Val::Str(s)) => self.requirepass = s,
            (Slot::Timeout, Val::Num(n)) => self.timeout = n as u64,
            (Slot::TcpKeepalive, Val::Num(n)) => self.tcp_keepalive = n as u64,
            (Slot::Maxclients, Val::Num(n)) => self.maxclients = n as usize,
            (Slot::Databases, Val::Num(n)) => self.databases = n as usize,
            (Slot::Daemonize, Val::Bool(b)) => self.daemonize = b,
            (Slot::Pidfile, Val::Str(s)) => self.pidfile = string_of(s),
            (Slot::Logfile, Val::Str(s)) => self.logfile = string_of(s),
            (Slot::Loglevel, Val::Enum(e)) => {
                self.loglevel = match e {
                    0 => LogLevel::Debug,
                    1 => LogLevel::Verbose,
                    2 => LogLevel::Notice,
                    3 => LogLevel::Warning,
                    _ => LogLevel::Nothing,
                }
            }
            (Slot::Dir, Val::Dir(s)) => self.dir = s,
            (Slot::Unixsocket, Val::Str(s)) => self.unixsocket = string_of(s),
            (Slot::ProtoMaxBulkLen, Val::Num(n)) => self.proto_max_bulk_len = n,
            (Slot::ClientQueryBufferLimit, Val::Num(n)) => self.client_query_buffer_limit = n as usize,
            (Slot::NotifyKeyspaceEvents, Val::Notify(f)) => self.notify_keyspace_events = f,
            (Slot::Hz, Val::Num(n)) => self.hz = n.clamp(MIN_HZ, MAX_HZ) as u32,
            (Slot::HaSyncReplicas, Val::Num(n)) => self.ha_sync_replicas = n as usize,
            (Slot::HaSyncTimeoutMs, Val::Num(n)) => self.ha_sync_timeout_ms = n,
            (Slot::HaWriteFenceMs, Val::Num(n)) => self.ha_write_fence_ms = n,
            (Slot::SlowlogLogSlowerThan, Val::Num(n)) => self.slowlog_log_slower_than = n,
            (Slot::SlowlogMaxLen, Val::Num(n)) => self.slowlog_max_len = n as usize,
            (Slot::LatencyMonitorThreshold, Val::Num(n)) => self.latency_monitor_threshold = n as u64,
            (Slot::HashMaxListpackEntries, Val::Num(n)) => self.hash_max_listpack_entries = n as usize,
            (Slot::HashMaxListpackValue, Val::Num(n)) => self.hash_max_listpack_value = n as usize,
            (Slot::SetMaxIntsetEntries, Val::Num(n)) => self.set_max_intset_entries = n as usize,
            (Slot::ZsetMaxListpackEntries, Val::Num(n)) => self.zset_max_listpack_entries = n as usize,
            (Slot::ZsetMaxListpackValue, Val::Num(n)) => self.zset_max_listpack_value = n as usize,
            (Slot::StreamNodeMaxBytes, Val::Num(n)) => self.stream_node_max_bytes = n as usize,
            (Slot::StreamNodeMaxEntries, Val::Num(n)) => self.stream_node_max_entries = n,
            (Slot::ListMaxListpackSize, Val::Num(n)) => self.list_max_listpack_size = n,
            (Slot::Maxmemory, Val::Num(n)) => self.maxmemory = n as u64,
            (Slot::MaxmemoryPolicy, Val::Enum(e)) => self.maxmemory_policy = enum_string(MAXMEMORY_POLICIES, e),
            (Slot::ActiveExpireEffort, Val::Num(n)) => self.active_expire_effort = n as u32,
            (Slot::EnableDebugCommand, Val::Enum(e)) => {
                self.enable_debug_command = enum_string(PROTECTED_ACTION, e);
            }
            (Slot::Replicaof, Val::ReplicaOf(r)) => self.replicaof = r,
            (Slot::Appendonly, Val::Bool(b)) => self.appendonly = b,
            (Slot::Save, Val::Save(s)) => self.save = s,
            // The table pairs each slot with one kind, so other combinations cannot happen.
            _ => {}
        }
    }

    /// Sets directive `idx` from its arguments (one for single-argument directives), with the
    /// checks and the error text of Redis. Returns whether the value changed.
    pub(crate) fn apply(&mut self, idx: usize, args: &[&[u8]], origin: Origin) -> Result<bool, String> {
        let Some(d) = DIRECTIVES.get(idx) else { return Err("unknown directive".into()) };
        let old = self.read(idx);
        let new = match (d.kind, &old) {
            (Kind::Special(Special::Dir), _) => {
                let [arg] = args else { return Err("wrong number of arguments".into()) };
                Val::Dir(value::resolve_dir(&self.dir, arg)?)
            }
            (Kind::Special(Special::Save), _) => {
                let params = value::parse_save(args)?;
                let add = origin == Origin::File && self.save_loaded && !params.is_empty();
                if origin == Origin::File {
                    self.save_loaded = true;
                }
                if add {
                    let mut all = self.save.clone();
                    all.extend(params);
                    Val::Save(all)
                } else {
                    Val::Save(params)
                }
            }
            (Kind::Special(Special::ClientOutputBufferLimit), Val::Obuf(current)) => Val::Obuf(value::parse_obuf(args, *current)?),
            (Kind::Special(Special::ClientOutputBufferLimit), _) => Val::Obuf(value::parse_obuf(args, value::OBUF_DEFAULTS)?),
            (Kind::Special(Special::OomScoreAdjValues), _) => Val::Oom(value::parse_oom(args)?),
            (Kind::Special(Special::NotifyKeyspaceEvents), _) => Val::Notify(value::parse_notify(args)?),
            (Kind::Special(Special::Bind), _) => Val::Bind(value::parse_bind(args)?),
            (Kind::Special(Special::ReplicaOf), _) => Val::ReplicaOf(value::parse_replicaof(args)?),
            (Kind::Special(Special::LatencyPercentiles), _) => Val::Percentiles(value::parse_percentiles(args)?),
            (kind, _) => {
                let file = self.file.as_ref().map(|f| f.to_string_lossy().into_owned());
                let ctx = CheckCtx { unixsocket: &self.unixsocket, config_file: file.as_deref(), port: self.port };
                value::parse_plain(&kind, args, &ctx)?
            }
        };
        self.write(idx, new);
        Ok(self.read(idx) != old)
    }
}
