//! The table of every Redis 7.0 directive: names, aliases, value kinds, defaults and flags.
//!
//! The order is the one of `static_configs[]` in Redis 7.0's config.c. It decides the order of
//! `CONFIG GET` replies built from glob patterns and of lines appended by `CONFIG REWRITE` (Redis
//! itself uses hash order there, so any stable order is as good).

/// Cannot be changed by `CONFIG SET` ("can't set immutable config").
pub(crate) const IMMUTABLE: u8 = 1 << 0;
/// Changed by `CONFIG SET` only when `enable-protected-configs` allows it.
pub(crate) const PROTECTED: u8 = 1 << 1;
/// Not matched by `CONFIG GET` glob patterns, only by its exact name.
pub(crate) const HIDDEN: u8 = 1 << 2;
/// Value must be redacted from slowlog / MONITOR.
pub(crate) const SENSITIVE: u8 = 1 << 3;
/// Takes several arguments in a config file; `CONFIG SET` splits its value on spaces.
pub(crate) const MULTI_ARG: u8 = 1 << 4;
/// Refused by `CONFIG SET` while the dataset is loading.
pub(crate) const DENY_LOADING: u8 = 1 << 5;

/// How a numeric value is written and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumFmt {
    Int,
    /// Accepts unit suffixes (`1mb`); rewritten as `gb`/`mb`/`kb` when exact.
    Memory,
    /// Memory, or `N%` stored as `-N`.
    MemoryPercent,
    Octal,
}

/// The checks some string directives run before accepting a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrCheck {
    None,
    DbFilename,
    AofFilename,
    AofDirname,
    Hostname,
    ProcTitle,
}

/// Directives whose values need their own parser and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    Dir,
    Save,
    ClientOutputBufferLimit,
    OomScoreAdjValues,
    NotifyKeyspaceEvents,
    Bind,
    ReplicaOf,
    LatencyPercentiles,
}

/// Value kind of a directive, with its compiled-in default.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Bool {
        default: bool,
    },
    /// Numeric values are kept as the `long long` Redis reads them into; `unsigned` selects the
    /// unsigned bounds check Redis applies to `unsigned int`, `unsigned long long` and `size_t`.
    Num {
        lo: i64,
        hi: i64,
        default: i64,
        unsigned: bool,
        fmt: NumFmt,
    },
    /// `bitflags`: several names may be given and their values are OR-ed.
    Enum {
        values: &'static [(&'static str, u32)],
        default: u32,
        bitflags: bool,
    },
    /// `empty_is_null`: an empty value means "unset" (removed by CONFIG REWRITE).
    Str {
        default: Option<&'static str>,
        empty_is_null: bool,
        check: StrCheck,
    },
    Special(Special),
}

/// Where a directive's value lives: a typed public field of `Config`, or the generic store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Generic,
    Port,
    Bind,
    ProtectedMode,
    Requirepass,
    Timeout,
    TcpKeepalive,
    Maxclients,
    Databases,
    Daemonize,
    Pidfile,
    Logfile,
    Loglevel,
    Dir,
    Unixsocket,
    ProtoMaxBulkLen,
    ClientQueryBufferLimit,
    HaSyncReplicas,
    HaSyncTimeoutMs,
    HaWriteFenceMs,
    NotifyKeyspaceEvents,
    Hz,
    SlowlogLogSlowerThan,
    SlowlogMaxLen,
    LatencyMonitorThreshold,
    HashMaxListpackEntries,
    HashMaxListpackValue,
    SetMaxIntsetEntries,
    ZsetMaxListpackEntries,
    ZsetMaxListpackValue,
    StreamNodeMaxBytes,
    StreamNodeMaxEntries,
    ListMaxListpackSize,
    Maxmemory,
    MaxmemoryPolicy,
    ActiveExpireEffort,
    EnableDebugCommand,
    Replicaof,
    Appendonly,
    Save,
}

/// One directive of the table.
#[derive(Debug)]
pub(crate) struct Directive {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub flags: u8,
    pub kind: Kind,
    pub slot: Slot,
}

impl Directive {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// A directive as named by the user: its index in `DIRECTIVES` and whether the alias was used.
/// Redis registers aliases as separate entries, which matters for CONFIG GET and duplicate checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Entry {
    pub idx: usize,
    pub alias: bool,
}

impl Entry {
    pub fn directive(self) -> &'static Directive {
        &DIRECTIVES[self.idx]
    }

    /// The name this entry is registered under.
    pub fn name(self) -> &'static str {
        let d = self.directive();
        match (self.alias, d.alias) {
            (true, Some(a)) => a,
            _ => d.name,
        }
    }
}

/// Finds a directive by name or alias, ignoring ASCII case like Redis's config dictionary.
pub(crate) fn lookup(name: &[u8]) -> Option<Entry> {
    DIRECTIVES.iter().enumerate().find_map(|(idx, d)| {
        if name.eq_ignore_ascii_case(d.name.as_bytes()) {
            Some(Entry { idx, alias: false })
        } else if d.alias.is_some_and(|a| name.eq_ignore_ascii_case(a.as_bytes())) {
            Some(Entry { idx, alias: true })
        } else {
            None
        }
    })
}

/// Every registered entry in table order, each primary name followed by its alias.
pub(crate) fn entries() -> impl Iterator<Item = Entry> {
    DIRECTIVES.iter().enumerate().flat_map(|(idx, d)| {
        let alias = d.alias.map(|_| Entry { idx, alias: true });
        std::iter::once(Entry { idx, alias: false }).chain(alias)
    })
}

// Bounds of the C types Redis uses.
const INT_MAX: i64 = i32::MAX as i64;
const INT_MIN: i64 = i32::MIN as i64;
const UINT_MAX: i64 = u32::MAX as i64;
const LONG_MAX: i64 = i64::MAX;
/// `ULLONG_MAX` as the bit pattern of a `long long` (compared unsigned).
const ULLONG_MAX: i64 = -1;

pub(crate) const PROTECTED_ACTION: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("local", 2)];
pub(crate) const LOGLEVELS: &[(&str, u32)] = &[("debug", 0), ("verbose", 1), ("notice", 2), ("warning", 3)];
pub(crate) const MAXMEMORY_POLICIES: &[(&str, u32)] = &[
    ("volatile-lru", 0),
    ("volatile-lfu", 1),
    ("volatile-random", 2),
    ("volatile-ttl", 3),
    ("allkeys-lru", 4),
    ("allkeys-lfu", 5),
    ("allkeys-random", 6),
    ("noeviction", 7),
];
const SUPERVISED: &[(&str, u32)] = &[("upstart", 1), ("systemd", 2), ("auto", 3), ("no", 0)];
const SYSLOG_FACILITIES: &[(&str, u32)] = &[
    ("user", 8),
    ("local0", 128),
    ("local1", 136),
    ("local2", 144),
    ("local3", 152),
    ("local4", 160),
    ("local5", 168),
    ("local6", 176),
    ("local7", 184),
];
const REPL_DISKLESS_LOAD: &[(&str, u32)] = &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)];
const APPENDFSYNC: &[(&str, u32)] = &[("everysec", 2), ("always", 1), ("no", 0)];
/// "yes" and "relative" share a value: CONFIG GET shows "yes" for both, as Redis does.
const OOM_SCORE_ADJ: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)];
const ACL_PUBSUB_DEFAULT: &[(&str, u32)] = &[("allchannels", 1 << 2), ("resetchannels", 0)];
const SANITIZE_DUMP: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("clients", 2)];
const ENDPOINT_TYPES: &[(&str, u32)] = &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)];
const TLS_AUTH_CLIENTS: &[(&str, u32)] = &[("no", 0), ("yes", 1), ("optional", 2)];
const PROPAGATION_ERROR: &[(&str, u32)] = &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)];
/// Bit flags: several may be given at once (the directive is MULTI_ARG).
const SHUTDOWN_ON_SIG: &[(&str, u32)] = &[("default", 0), ("save", 1), ("nosave", 2), ("now", 4), ("force", 8)];
pub(crate) const SHUTDOWN_SAVE: u32 = 1;
pub(crate) const SHUTDOWN_NOSAVE: u32 = 2;

const fn b(name: &'static str, alias: Option<&'static str>, flags: u8, default: bool, slot: Slot) -> Directive {
    Directive { name, alias, flags, kind: Kind::Bool { default }, slot }
}

const fn n(name: &'static str, alias: Option<&'static str>, flags: u8, lo: i64, hi: i64, default: i64, slot: Slot) -> Directive {
    Directive { name, alias, flags, kind: Kind::Num { lo, hi, default, unsigned: false, fmt: NumFmt::Int }, slot }
}

/// Numeric directive with an unsigned C type and/or a non-integer format.
const fn nx(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u8,
    (lo, hi, default): (i64, i64, i64),
    unsigned: bool,
    fmt: NumFmt,
    slot: Slot,
) -> Directive {
    Directive { name, alias, flags, kind: Kind::Num { lo, hi, default, unsigned, fmt }, slot }
}

const fn e(name: &'static str, flags: u8, values: &'static [(&'static str, u32)], default: u32, slot: Slot) -> Directive {
    Directive { name, alias: None, flags, kind: Kind::Enum { values, default, bitflags: false }, slot }
}

/// Enum directive taking several flag names at once (a MULTI_ARG directive).
const fn ef(name: &'static str, flags: u8, values: &'static [(&'static str, u32)], default: u32) -> Directive {
    Directive { name, alias: None, flags: flags | MULTI_ARG, kind: Kind::Enum { values, default, bitflags: true }, slot: Slot::Generic }
}

const fn s(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u8,
    default: Option<&'static str>,
    empty_is_null: bool,
    check: StrCheck,
    slot: Slot,
) -> Directive {
    Directive { name, alias, flags, kind: Kind::Str { default, empty_is_null, check }, slot }
}

const fn sp(name: &'static str, alias: Option<&'static str>, flags: u8, special: Special, slot: Slot) -> Directive {
    Directive { name, alias, flags, kind: Kind::Special(special), slot }
}

use Slot as S;
const G: Slot = Slot::Generic;
const M: u8 = 0;
const I: u8 = IMMUTABLE;
const NULL: Option<&str> = None;
const NOALIAS: Option<&str> = None;

/// All Redis 7.0.15 directives (the TLS ones included: the reference build has TLS).
pub(crate) static DIRECTIVES: &[Directive] = &[
    // Bool configs.
    b("rdbchecksum", None, I, true, G),
    b("daemonize", None, I, false, S::Daemonize),
    b("io-threads-do-reads", None, I, false, G),
    b("always-show-logo", None, I, false, G),
    b("protected-mode", None, M, true, S::ProtectedMode),
    b("rdbcompression", None, M, true, G),
    b("rdb-del-sync-files", None, M, false, G),
    b("activerehashing", None, M, true, G),
    b("stop-writes-on-bgsave-error", None, M, true, G),
    b("set-proc-title", None, I, true, G),
    b("dynamic-hz", None, M, true, G),
    b("lazyfree-lazy-eviction", None, M, false, G),
    b("lazyfree-lazy-expire", None, M, false, G),
    b("lazyfree-lazy-server-del", None, M, false, G),
    b("lazyfree-lazy-user-del", None, M, false, G),
    b("lazyfree-lazy-user-flush", None, M, false, G),
    b("repl-disable-tcp-nodelay", None, M, false, G),
    b("repl-diskless-sync", None, M, true, G),
    b("aof-rewrite-incremental-fsync", None, M, true, G),
    b("no-appendfsync-on-rewrite", None, M, false, G),
    b("cluster-require-full-coverage", None, M, true, G),
    b("rdb-save-incremental-fsync", None, M, true, G),
    b("aof-load-truncated", None, M, true, G),
    b("aof-use-rdb-preamble", None, M, true, G),
    b("aof-timestamp-enabled", None, M, false, G),
    b("cluster-replica-no-failover", Some("cluster-slave-no-failover"), M, false, G),
    b("replica-lazy-flush", Some("slave-lazy-flush"), M, false, G),
    b("replica-serve-stale-data", Some("slave-serve-stale-data"), M, true, G),
    b("replica-read-only", Some("slave-read-only"), M, true, G),
    b("replica-ignore-maxmemory", Some("slave-ignore-maxmemory"), M, true, G),
    b("jemalloc-bg-thread", None, M, true, G),
    b("activedefrag", None, M, false, G),
    b("syslog-enabled", None, I, false, G),
    b("cluster-enabled", None, I, false, G),
    b("appendonly", None, DENY_LOADING, false, S::Appendonly),
    b("cluster-allow-reads-when-down", None, M, false, G),
    b("cluster-allow-pubsubshard-when-down", None, M, true, G),
    b("crash-log-enabled", None, M, true, G),
    b("crash-memcheck-enabled", None, M, true, G),
    b("use-exit-on-panic", None, HIDDEN, false, G),
    b("disable-thp", None, I, true, G),
    b("cluster-allow-replica-migration", None, M, true, G),
    b("replica-announced", None, M, true, G),
    b("latency-tracking", None, M, true, G),
    b("aof-disable-auto-gc", None, M, false, G),
    b("replica-ignore-disk-write-errors", None, M, false, G),
    // String configs.
    s("aclfile", NOALIAS, I, Some(""), false, StrCheck::None, G),
    s("unixsocket", NOALIAS, I, NULL, true, StrCheck::None, S::Unixsocket),
    s("pidfile", NOALIAS, I, NULL, true, StrCheck::None, S::Pidfile),
    s("replica-announce-ip", Some("slave-announce-ip"), M, NULL, true, StrCheck::None, G),
    s("masteruser", NOALIAS, SENSITIVE, NULL, true, StrCheck::None, G),
    s("cluster-announce-ip", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("cluster-config-file", NOALIAS, I, Some("nodes.conf"), false, StrCheck::None, G),
    s("cluster-announce-hostname", NOALIAS, M, NULL, true, StrCheck::Hostname, G),
    s("syslog-ident", NOALIAS, I, Some("redis"), false, StrCheck::None, G),
    s("dbfilename", NOALIAS, PROTECTED, Some("dump.rdb"), false, StrCheck::DbFilename, G),
    s("appendfilename", NOALIAS, I, Some("appendonly.aof"), false, StrCheck::AofFilename, G),
    s("appenddirname", NOALIAS, I, Some("appendonlydir"), false, StrCheck::AofDirname, G),
    s("server_cpulist", NOALIAS, I, NULL, true, StrCheck::None, G),
    s("bio_cpulist", NOALIAS, I, NULL, true, StrCheck::None, G),
    s("aof_rewrite_cpulist", NOALIAS, I, NULL, true, StrCheck::None, G),
    s("bgsave_cpulist", NOALIAS, I, NULL, true, StrCheck::None, G),
    s("ignore-warnings", NOALIAS, M, Some(""), false, StrCheck::None, G),
    s("proc-title-template", NOALIAS, M, Some("{title} {listen-addr} {server-mode}"), false, StrCheck::ProcTitle, G),
    s("bind-source-addr", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("logfile", NOALIAS, I, Some(""), false, StrCheck::None, S::Logfile),
    s("masterauth", NOALIAS, SENSITIVE, NULL, true, StrCheck::None, G),
    s("requirepass", NOALIAS, SENSITIVE, NULL, true, StrCheck::None, S::Requirepass),
    // Ours (hidden from CONFIG GET globs, like Redis's own hidden directives): the boot guard's
    // sentinel group and sentinel addresses (see bootguard.rs).
    s("ha-boot-master-name", NOALIAS, IMMUTABLE | HIDDEN, NULL, true, StrCheck::None, G),
    s("ha-boot-sentinels", NOALIAS, IMMUTABLE | HIDDEN, NULL, true, StrCheck::None, G),
    // Enum configs.
    e("supervised", I, SUPERVISED, 0, G),
    e("syslog-facility", I, SYSLOG_FACILITIES, 128, G),
    e("repl-diskless-load", DENY_LOADING, REPL_DISKLESS_LOAD, 0, G),
    e("loglevel", M, LOGLEVELS, 2, S::Loglevel),
    e("maxmemory-policy", M, MAXMEMORY_POLICIES, 7, S::MaxmemoryPolicy),
    e("appendfsync", M, APPENDFSYNC, 2, G),
    e("oom-score-adj", M, OOM_SCORE_ADJ, 0, G),
    e("acl-pubsub-default", M, ACL_PUBSUB_DEFAULT, 0, G),
    e("sanitize-dump-payload", M, SANITIZE_DUMP, 0, G),
    e("enable-protected-configs", I, PROTECTED_ACTION, 0, G),
    e("enable-debug-command", I, PROTECTED_ACTION, 0, S::EnableDebugCommand),
    e("enable-module-command", I, PROTECTED_ACTION, 0, G),
    e("cluster-preferred-endpoint-type", M, ENDPOINT_TYPES, 0, G),
    e("propagation-error-behavior", M, PROPAGATION_ERROR, 0, G),
    ef("shutdown-on-sigint", M, SHUTDOWN_ON_SIG, 0),
    ef("shutdown-on-sigterm", M, SHUTDOWN_ON_SIG, 0),
    // Integer configs.
    n("databases", None, I, 1, INT_MAX, 16, S::Databases),
    n("port", None, M, 0, 65535, 6379, S::Port),
    n("io-threads", None, I, 1, 128, 1, G),
    n("auto-aof-rewrite-percentage", None, M, 0, INT_MAX, 100, G),
    n("cluster-replica-validity-factor", Some("cluster-slave-validity-factor"), M, 0, INT_MAX, 10, G),
    n("list-max-listpack-size", Some("list-max-ziplist-size"), M, INT_MIN, INT_MAX, -2, S::ListMaxListpackSize),
    n("tcp-keepalive", None, M, 0, INT_MAX, 300, S::TcpKeepalive),
    n("cluster-migration-barrier", None, M, 0, INT_MAX, 1, G),
    n("active-defrag-cycle-min", None, M, 1, 99, 1, G),
    n("active-defrag-cycle-max", None, M, 1, 99, 25, G),
    n("active-defrag-threshold-lower", None, M, 0, 1000, 10, G),
    n("active-defrag-threshold-upper", None, M, 0, 1000, 100, G),
    n("lfu-log-factor", None, M, 0, INT_MAX, 10, G),
    n("lfu-decay-time", None, M, 0, INT_MAX, 1, G),
    n("replica-priority", Some("slave-priority"), M, 0, INT_MAX, 100, G),
    n("repl-diskless-sync-delay", None, M, 0, INT_MAX, 5, G),
    n("maxmemory-samples", None, M, 1, INT_MAX, 5, G),
    n("maxmemory-eviction-tenacity", None, M, 0, 100, 10, G),
    n("timeout", None, M, 0, INT_MAX, 0, S::Timeout),
    n("replica-announce-port", Some("slave-announce-port"), M, 0, 65535, 0, G),
    n("tcp-backlog", None, I, 0, INT_MAX, 511, G),
    n("cluster-port", None, I, 0, 65535, 0, G),
    n("cluster-announce-bus-port", None, M, 0, 65535, 0, G),
    n("cluster-announce-port", None, M, 0, 65535, 0, G),
    n("cluster-announce-tls-port", None, M, 0, 65535, 0, G),
    n("repl-timeout", None, M, 1, INT_MAX, 60, G),
    n("repl-ping-replica-period", Some("repl-ping-slave-period"), M, 1, INT_MAX, 10, G),
    n("list-compress-depth", None, M, 0, INT_MAX, 0, G),
    n("rdb-key-save-delay", None, HIDDEN, INT_MIN, INT_MAX, 0, G),
    n("key-load-delay", None, HIDDEN, INT_MIN, INT_MAX, 0, G),
    n("active-expire-effort", None, M, 1, 10, 1, S::ActiveExpireEffort),
    n("hz", None, M, 0, INT_MAX, 10, S::Hz),
    // Ours (hidden): the Prometheus metrics port, 0 = off (see metrics.rs).
    n("ha-metrics-port", None, IMMUTABLE | HIDDEN, 0, 65535, 0, G),
    // Ours (hidden): synchronous acknowledgement (see server/sync_hold.rs): a write's reply waits until
    // this many replicas acknowledged it, at most ha-sync-timeout-ms (0 = no limit). 0 = off.
    n("ha-sync-replicas", None, HIDDEN, 0, INT_MAX, 0, S::HaSyncReplicas),
    n("ha-sync-timeout-ms", None, HIDDEN, 0, INT_MAX, 1000, S::HaSyncTimeoutMs),
    // Ours (hidden): write fencing (see fence.rs): refuse writes after this long without hearing from
    // a majority of the sentinels. 0 = off.
    n("ha-write-fence-ms", None, HIDDEN, 0, INT_MAX, 0, S::HaWriteFenceMs),
    // How many sentinels watch this master, for the fence's majority (0 = count those heard from).
    n("ha-write-fence-sentinels", None, HIDDEN, 0, INT_MAX, 0, G),
    // Ours (hidden): a replica acknowledges every applied batch of its master's stream at once, not
    // once a second (so min-replicas-max-lag and synchronous writes see it promptly).
    b("ha-replica-prompt-ack", None, HIDDEN, false, G),
    n("min-replicas-to-write", Some("min-slaves-to-write"), M, 0, INT_MAX, 0, G),
    n("min-replicas-max-lag", Some("min-slaves-max-lag"), M, 0, INT_MAX, 10, G),
    n("watchdog-period", None, HIDDEN, 0, INT_MAX, 0, G),
    n("shutdown-timeout", None, M, 0, INT_MAX, 10, G),
    n("repl-diskless-sync-max-replicas", None, M, 0, INT_MAX, 0, G),
    // Unsigned int configs.
    nx("maxclients", None, M, (1, UINT_MAX, 10000), true, NumFmt::Int, S::Maxclients),
    nx("unixsocketperm", None, I, (0, 0o777, 0), true, NumFmt::Octal, G),
    nx("socket-mark-id", None, I, (0, UINT_MAX, 0), true, NumFmt::Int, G),
    // Unsigned long configs (Redis bounds-checks them as signed).
    n("active-defrag-max-scan-fields", None, M, 1, LONG_MAX, 1000, G),
    n("slowlog-max-len", None, M, 0, LONG_MAX, 128, S::SlowlogMaxLen),
    n("acllog-max-len", None, M, 0, LONG_MAX, 128, G),
    // Long long configs.
    n("busy-reply-threshold", Some("lua-time-limit"), M, 0, LONG_MAX, 5000, G),
    n("cluster-node-timeout", None, M, 0, LONG_MAX, 15000, G),
    n("slowlog-log-slower-than", None, M, -1, LONG_MAX, 10000, S::SlowlogLogSlowerThan),
    n("latency-monitor-threshold", None, M, 0, LONG_MAX, 0, S::LatencyMonitorThreshold),
    nx("proto-max-bulk-len", None, M, (1024 * 1024, LONG_MAX, 512 * 1024 * 1024), false, NumFmt::Memory, S::ProtoMaxBulkLen),
    n("stream-node-max-entries", None, M, 0, LONG_MAX, 100, S::StreamNodeMaxEntries),
    nx("repl-backlog-size", None, M, (1, LONG_MAX, 1024 * 1024), false, NumFmt::Memory, G),
    // Unsigned long long configs.
    nx("maxmemory", None, M, (0, ULLONG_MAX, 0), true, NumFmt::Memory, S::Maxmemory),
    nx("cluster-link-sendbuf-limit", None, M, (0, ULLONG_MAX, 0), true, NumFmt::Memory, G),
    // size_t configs.
    nx("hash-max-listpack-entries", Some("hash-max-ziplist-entries"), M, (0, LONG_MAX, 512), true, NumFmt::Int, S::HashMaxListpackEntries),
    nx("set-max-intset-entries", None, M, (0, LONG_MAX, 512), true, NumFmt::Int, S::SetMaxIntsetEntries),
    nx("zset-max-listpack-entries", Some("zset-max-ziplist-entries"), M, (0, LONG_MAX, 128), true, NumFmt::Int, S::ZsetMaxListpackEntries),
    nx("active-defrag-ignore-bytes", None, M, (1, LONG_MAX, 100 << 20), true, NumFmt::Memory, G),
    nx("hash-max-listpack-value", Some("hash-max-ziplist-value"), M, (0, LONG_MAX, 64), true, NumFmt::Memory, S::HashMaxListpackValue),
    nx("stream-node-max-bytes", None, M, (0, LONG_MAX, 4096), true, NumFmt::Memory, S::StreamNodeMaxBytes),
    nx("zset-max-listpack-value", Some("zset-max-ziplist-value"), M, (0, LONG_MAX, 64), true, NumFmt::Memory, S::ZsetMaxListpackValue),
    nx("hll-sparse-max-bytes", None, M, (0, LONG_MAX, 3000), true, NumFmt::Memory, G),
    nx("tracking-table-max-keys", None, M, (0, LONG_MAX, 1_000_000), true, NumFmt::Int, G),
    nx("client-query-buffer-limit", None, M, (1024 * 1024, LONG_MAX, 1024 * 1024 * 1024), true, NumFmt::Memory, S::ClientQueryBufferLimit),
    nx("maxmemory-clients", None, M, (-100, LONG_MAX, 0), false, NumFmt::MemoryPercent, G),
    // time_t and off_t configs.
    n("repl-backlog-ttl", None, M, 0, LONG_MAX, 3600, G),
    nx("auto-aof-rewrite-min-size", None, M, (0, LONG_MAX, 64 * 1024 * 1024), false, NumFmt::Memory, G),
    n("loading-process-events-interval-bytes", None, HIDDEN, 1024, INT_MAX, 2 * 1024 * 1024, G),
    // TLS configs.
    n("tls-port", None, M, 0, 65535, 0, G),
    n("tls-session-cache-size", None, M, 0, INT_MAX, 20 * 1024, G),
    n("tls-session-cache-timeout", None, M, 0, INT_MAX, 300, G),
    // Valkey 9.1's, not Redis 7.0's (server/tls_reload.rs).
    n("tls-auto-reload-interval", None, HIDDEN, 0, INT_MAX, 0, G),
    b("tls-cluster", None, M, false, G),
    b("tls-replication", None, M, false, G),
    e("tls-auth-clients", M, TLS_AUTH_CLIENTS, 1, G),
    b("tls-prefer-server-ciphers", None, M, false, G),
    b("tls-session-caching", None, M, true, G),
    s("tls-cert-file", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-key-file", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-key-file-pass", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-client-cert-file", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-client-key-file", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-client-key-file-pass", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-dh-params-file", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-ca-cert-file", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-ca-cert-dir", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-protocols", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-ciphers", NOALIAS, M, NULL, true, StrCheck::None, G),
    s("tls-ciphersuites", NOALIAS, M, NULL, true, StrCheck::None, G),
    // Special configs.
    sp("dir", None, PROTECTED | DENY_LOADING, Special::Dir, S::Dir),
    sp("save", None, MULTI_ARG, Special::Save, S::Save),
    sp("client-output-buffer-limit", None, MULTI_ARG, Special::ClientOutputBufferLimit, G),
    sp("oom-score-adj-values", None, MULTI_ARG, Special::OomScoreAdjValues, G),
    sp("notify-keyspace-events", None, M, Special::NotifyKeyspaceEvents, S::NotifyKeyspaceEvents),
    sp("bind", None, MULTI_ARG, Special::Bind, S::Bind),
    sp("replicaof", Some("slaveof"), IMMUTABLE | MULTI_ARG, Special::ReplicaOf, S::Replicaof),
    sp("latency-tracking-info-percentiles", None, MULTI_ARG, Special::LatencyPercentiles, G),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for e in entries() {
            let name = e.name();
            assert_eq!(name, name.to_ascii_lowercase());
            assert!(seen.insert(name), "duplicate {name}");
        }
        // 192 entries (primary + alias) are shown by CONFIG GET *, plus 5 hidden ones, plus our eight
        // hidden ones (boot guard, metrics port, write safety), plus Valkey's tls-auto-reload-interval.
        assert_eq!(seen.len(), 206);
    }

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        assert_eq!(lookup(b"PORT").map(|e| e.name()), Some("port"));
        let slaveof = lookup(b"SlaveOf").map(|e| (e.name(), e.directive().name));
        assert_eq!(slaveof, Some(("slaveof", "replicaof")));
        assert!(lookup(b"nope").is_none());
    }
}
