//! The persistent part of a sentinel: what sentinel.conf holds and what every rewrite writes back, so a
//! restarted sentinel resumes where it was (myid, epochs, votes, known replicas and sentinels).

/// Redis's defaults (sentinel.c: SENTINEL_DEFAULT_DOWN_AFTER, SENTINEL_DEFAULT_FAILOVER_TIMEOUT, ...).
pub const DEFAULT_DOWN_AFTER_MS: u64 = 30_000;
pub const DEFAULT_FAILOVER_TIMEOUT_MS: u64 = 180_000;
pub const DEFAULT_PARALLEL_SYNCS: u32 = 1;
pub const DEFAULT_PORT: u16 = crate::config::SENTINEL_DEFAULT_PORT;

/// Everything `sentinel ...` lines configure for the whole process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentinelSettings {
    /// 40 hex characters; `None` until generated at start-up (then flushed to the file).
    pub myid: Option<String>,
    pub current_epoch: u64,
    pub announce_ip: Option<String>,
    /// 0 = not set (the listening port is announced).
    pub announce_port: u16,
    pub deny_scripts_reconfig: bool,
    pub resolve_hostnames: bool,
    pub announce_hostnames: bool,
    pub sentinel_user: Option<String>,
    pub sentinel_pass: Option<String>,
    /// In the order they were declared.
    pub masters: Vec<MasterSettings>,
}

impl Default for SentinelSettings {
    fn default() -> Self {
        SentinelSettings {
            myid: None,
            current_epoch: 0,
            announce_ip: None,
            announce_port: 0,
            deny_scripts_reconfig: true,
            resolve_hostnames: false,
            announce_hostnames: false,
            sentinel_user: None,
            sentinel_pass: None,
            masters: Vec::new(),
        }
    }
}

/// One monitored master (`sentinel monitor <name> <host> <port> <quorum>` and the lines naming it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterSettings {
    pub name: String,
    /// An IP address, or a hostname when resolve-hostnames is on (re-resolved on every connect).
    pub host: String,
    pub port: u16,
    pub quorum: u32,
    pub down_after_ms: u64,
    pub failover_timeout_ms: u64,
    pub parallel_syncs: u32,
    pub notification_script: Option<String>,
    pub client_reconfig_script: Option<String>,
    pub auth_pass: Option<String>,
    pub auth_user: Option<String>,
    /// `rename-command <name> <command> <renamed>`, in order.
    pub rename_commands: Vec<(String, String)>,
    /// 0 = off.
    pub master_reboot_down_after_period_ms: u64,
    pub config_epoch: u64,
    pub leader_epoch: u64,
    /// Replicas this sentinel has seen (host, port).
    pub known_replicas: Vec<(String, u16)>,
    /// Other sentinels this sentinel has heard of.
    pub known_sentinels: Vec<KnownSentinel>,
}

impl MasterSettings {
    /// A master as `sentinel monitor` declares it, every other setting at Redis's default.
    pub fn new(name: &str, host: &str, port: u16, quorum: u32) -> Self {
        MasterSettings {
            name: name.to_string(),
            host: host.to_string(),
            port,
            quorum,
            down_after_ms: DEFAULT_DOWN_AFTER_MS,
            failover_timeout_ms: DEFAULT_FAILOVER_TIMEOUT_MS,
            parallel_syncs: DEFAULT_PARALLEL_SYNCS,
            notification_script: None,
            client_reconfig_script: None,
            auth_pass: None,
            auth_user: None,
            rename_commands: Vec::new(),
            master_reboot_down_after_period_ms: 0,
            config_epoch: 0,
            leader_epoch: 0,
            known_replicas: Vec::new(),
            known_sentinels: Vec::new(),
        }
    }
}

/// `sentinel known-sentinel <name> <host> <port> <runid>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownSentinel {
    pub host: String,
    pub port: u16,
    pub runid: String,
}
