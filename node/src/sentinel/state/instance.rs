//! The monitored things: masters (with their replicas and the other sentinels watching them), their
//! links, flags and failover state. Plain data; the behaviour lives in the sibling modules.

use std::collections::VecDeque;

use super::action::{ConnId, Expect};

/// Monotonic milliseconds (the driver's `now_ms`, signed so "time since" can be negative the way
/// Redis's arithmetic expects, e.g. a failover start time set in the future).
pub(crate) type Ms = i64;

/// Redis's default replica priority (SENTINEL_DEFAULT_SLAVE_PRIORITY) before INFO says otherwise.
pub(crate) const DEFAULT_SLAVE_PRIORITY: i64 = 100;

/// `SRI_*` flags kept per instance (the type and `disconnected` are derived instead).
pub(crate) mod flag {
    pub const S_DOWN: u32 = 1 << 3;
    pub const O_DOWN: u32 = 1 << 4;
    pub const MASTER_DOWN: u32 = 1 << 5;
    pub const FAILOVER_IN_PROGRESS: u32 = 1 << 6;
    pub const PROMOTED: u32 = 1 << 7;
    pub const RECONF_SENT: u32 = 1 << 8;
    pub const RECONF_INPROG: u32 = 1 << 9;
    pub const RECONF_DONE: u32 = 1 << 10;
    pub const FORCE_FAILOVER: u32 = 1 << 11;
    pub const SCRIPT_KILL_SENT: u32 = 1 << 12;
    pub const MASTER_REBOOT: u32 = 1 << 13;
}

/// Unique per instance record, never reused (so a late reply cannot land on a newer record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct InstId(pub u64);

/// Key of a link in `Sentinel::links` (links to sentinels are shared by runid across masters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct LinkId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Master,
    Replica,
    Sentinel,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Master => "master",
            Kind::Replica => "slave",
            Kind::Sentinel => "sentinel",
        }
    }
}

/// An address as configured or reported. Hostnames are kept as given and resolved by the driver at
/// every connect (Redis resolves once, when the record is made, and keeps a stale IP after a pod
/// moves), so two addresses are equal when the ports match and the hosts match ignoring case.
/// `ip` is what the host last resolved to on a successful connect (the literal itself for an IP):
/// with `announce-hostnames no` it is what replies, events and the config show, as Redis shows the
/// IP it resolved.
#[derive(Debug, Clone)]
pub(crate) struct Addr {
    pub host: String,
    pub port: u16,
    pub ip: Option<String>,
}

impl PartialEq for Addr {
    fn eq(&self, other: &Addr) -> bool {
        self.host == other.host && self.port == other.port
    }
}

impl Eq for Addr {}

impl Addr {
    pub fn new(host: &str, port: u16) -> Addr {
        let ip = host.parse::<std::net::IpAddr>().is_ok().then(|| host.to_string());
        Addr { host: host.to_string(), port, ip }
    }

    /// Same port and host (ignoring case).
    pub fn same(&self, other: &Addr) -> bool {
        self.port == other.port && self.host.eq_ignore_ascii_case(&other.host)
    }

    /// Equal to a host and port as reported by a peer (INFO, hello, a request): the same host, or
    /// the IP our host resolved to (a peer with `announce-hostnames no` reports IPs).
    pub fn is(&self, host: &str, port: i64) -> bool {
        i64::from(self.port) == port && (self.host.eq_ignore_ascii_case(host) || self.ip.as_deref().is_some_and(|ip| ip.eq_ignore_ascii_case(host)))
    }

    /// `ip:port`, IPv6 bracketed (a replica's name).
    pub fn name(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A host we accept for a new instance: an IP literal, or anything non-empty with resolve-hostnames.
pub(crate) fn host_ok(host: &str, resolve_hostnames: bool) -> bool {
    if resolve_hostnames {
        !host.is_empty()
    } else {
        host.parse::<std::net::IpAddr>().is_ok()
    }
}

/// A command sent on a link whose reply is still due.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    pub expect: Expect,
    pub inst: InstId,
}

/// The two connections to an instance and the failure-detection clock (Redis's `instanceLink`).
#[derive(Debug)]
pub(crate) struct Link {
    pub refcount: u32,
    /// Masters and replicas also need the pub/sub connection to count as connected.
    pub needs_pubsub: bool,
    pub cc: Option<ConnId>,
    pub pc: Option<ConnId>,
    /// Replies due on `cc`, oldest first (its length is `link-pending-commands`).
    pub pending: VecDeque<Pending>,
    /// Our address as seen on `cc` (for the hello when no announce-ip is set).
    pub local_ip: Option<String>,
    pub cc_conn_time: Ms,
    pub pc_conn_time: Ms,
    pub pc_last_activity: Option<Ms>,
    /// Replies still due on `pc` to the handshake sent before SUBSCRIBE (AUTH, CLIENT SETNAME).
    /// hiredis matches them to their callbacks; any later error has none, and hiredis drops the
    /// connection on such an error — which is how a refused SUBSCRIBE (NOAUTH, NOPERM) shows up
    /// as the `disconnected` flag.
    pub pc_handshake: u8,
    /// Last valid PING reply (PONG / LOADING / MASTERDOWN).
    pub last_avail_time: Ms,
    /// First PING still unanswered; starts at creation so an unreachable instance times out.
    pub act_ping_time: Option<Ms>,
    pub last_ping_time: Option<Ms>,
    /// Last PING reply of any kind.
    pub last_pong_time: Ms,
    pub last_reconn_time: Option<Ms>,
}

impl Link {
    pub fn new(needs_pubsub: bool, now: Ms) -> Link {
        Link {
            refcount: 1,
            needs_pubsub,
            cc: None,
            pc: None,
            pending: VecDeque::new(),
            local_ip: None,
            cc_conn_time: 0,
            pc_conn_time: 0,
            pc_last_activity: None,
            pc_handshake: 0,
            last_avail_time: now,
            act_ping_time: Some(now),
            last_ping_time: None,
            last_pong_time: now,
            last_reconn_time: None,
        }
    }

    /// Redis's `link->disconnected`: a needed connection is missing.
    pub fn disconnected(&self) -> bool {
        self.cc.is_none() || (self.needs_pubsub && self.pc.is_none())
    }
}

/// The role an instance reports in INFO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Master,
    Replica,
}

/// One monitored Redis or sentinel: Redis's `sentinelRedisInstance` minus the master-only part.
#[derive(Debug)]
pub(crate) struct Instance {
    pub id: InstId,
    pub kind: Kind,
    /// Master name, `ip:port` for replicas, runid for sentinels.
    pub name: String,
    pub addr: Addr,
    pub runid: Option<String>,
    pub link: LinkId,
    pub flags: u32,
    pub down_after: Ms,
    pub last_pub_time: Ms,
    pub last_hello_time: Ms,
    pub last_master_down_reply_time: Ms,
    pub s_down_since: Option<Ms>,
    pub o_down_since: Option<Ms>,
    pub info_refresh: Option<Ms>,
    /// The last INFO text (SENTINEL INFO-CACHE).
    pub info: Option<String>,
    /// `None` when the last INFO had no role line.
    pub role_reported: Option<Role>,
    pub role_reported_time: Ms,
    /// The replication ID of the last INFO, and when it last changed (0: never seen to change).
    /// Not in Redis: see `replica_reports_master`.
    pub replid: Option<String>,
    pub replid_change_time: Ms,
    pub slave_conf_change_time: Ms,
    // Replica fields (from INFO).
    pub master_link_down_time: Ms,
    pub slave_priority: i64,
    pub replica_announced: i64,
    pub slave_reconf_sent_time: Ms,
    pub slave_master_host: Option<String>,
    pub slave_master_port: i64,
    pub slave_master_link_up: bool,
    pub slave_repl_offset: u64,
    // Sentinel fields: its vote as reported in is-master-down-by-addr replies.
    pub leader: Option<String>,
    pub leader_epoch: u64,
}

impl Instance {
    pub fn new(id: InstId, kind: Kind, name: String, addr: Addr, link: LinkId, down_after: Ms, now: Ms) -> Instance {
        Instance {
            id,
            kind,
            name,
            addr,
            runid: None,
            link,
            flags: 0,
            down_after,
            last_pub_time: now,
            last_hello_time: now,
            last_master_down_reply_time: now,
            s_down_since: None,
            o_down_since: None,
            info_refresh: None,
            info: None,
            role_reported: match kind {
                Kind::Master => Some(Role::Master),
                Kind::Replica => Some(Role::Replica),
                Kind::Sentinel => None,
            },
            role_reported_time: now,
            replid: None,
            replid_change_time: 0,
            slave_conf_change_time: now,
            master_link_down_time: 0,
            slave_priority: DEFAULT_SLAVE_PRIORITY,
            replica_announced: 1,
            slave_reconf_sent_time: 0,
            slave_master_host: None,
            slave_master_port: 0,
            slave_master_link_up: false,
            slave_repl_offset: 0,
            leader: None,
            leader_epoch: 0,
        }
    }

    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// No SDOWN/ODOWN began within the last `ms` (sentinelRedisInstanceNoDownFor).
    pub fn no_down_for(&self, ms: Ms, now: Ms) -> bool {
        let most_recent = match (self.s_down_since, self.o_down_since) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        most_recent.is_none_or(|t| now - t > ms)
    }
}

/// How a failover's promotion is carried out. Redis's sentinel always sends `SLAVEOF NO ONE` to the
/// chosen replica, so the old master keeps acknowledging writes until it is reconfigured, and those
/// writes are lost. A manual failover whose master is up and supports Redis 6.2's `FAILOVER` asks the
/// master instead: it pauses writes, waits until the replica has its offset, and hands over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handover {
    /// Not decided yet (every automatic failover stays here and promotes the classic way).
    Undecided,
    /// `FAILOVER TO <replica> TIMEOUT <ms>` sent to the master, reply pending.
    Requested,
    /// The master accepted: it demotes itself once the replica caught up.
    Accepted,
    /// The master could not coordinate: `SLAVEOF NO ONE` to the replica, as Redis does.
    Uncoordinated,
}

/// `failover-state` values, in Redis's order (comparisons rely on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FailoverState {
    None,
    WaitStart,
    SelectSlave,
    SendSlaveofNoone,
    WaitPromotion,
    ReconfSlaves,
    UpdateConfig,
}

impl FailoverState {
    pub fn as_str(self) -> &'static str {
        match self {
            FailoverState::None => "none",
            FailoverState::WaitStart => "wait_start",
            FailoverState::SelectSlave => "select_slave",
            FailoverState::SendSlaveofNoone => "send_slaveof_noone",
            FailoverState::WaitPromotion => "wait_promotion",
            FailoverState::ReconfSlaves => "reconf_slaves",
            FailoverState::UpdateConfig => "update_config",
        }
    }
}

/// A monitored master with its configuration, failover state, replicas and fellow sentinels.
#[derive(Debug)]
pub(crate) struct Master {
    pub inst: Instance,
    pub replicas: Vec<Instance>,
    pub sentinels: Vec<Instance>,
    pub quorum: u32,
    pub parallel_syncs: u32,
    pub failover_timeout: Ms,
    pub auth_pass: Option<String>,
    pub auth_user: Option<String>,
    pub notification_script: Option<String>,
    pub client_reconfig_script: Option<String>,
    /// `rename-command` pairs (original, renamed), in order.
    pub renames: Vec<(String, String)>,
    pub reboot_down_after: Ms,
    pub reboot_since: Ms,
    pub config_epoch: u64,
    /// Our vote for this master's failover leader, and its epoch.
    pub leader: Option<String>,
    pub leader_epoch: u64,
    pub failover_epoch: u64,
    pub failover_state: FailoverState,
    pub failover_state_change_time: Ms,
    /// Last failover attempt (or vote for another sentinel), possibly in the future by the desync.
    pub failover_start_time: Option<Ms>,
    pub promoted: Option<InstId>,
    /// How this failover hands the master role over (a manual one is coordinated when it can be).
    pub handover: Handover,
}

impl Master {
    pub fn in_failover(&self) -> bool {
        self.inst.has(flag::FAILOVER_IN_PROGRESS)
    }

    pub fn replica_idx(&self, id: InstId) -> Option<usize> {
        self.replicas.iter().position(|r| r.id == id)
    }

    /// Index of the replica being promoted, if any.
    pub fn promoted_idx(&self) -> Option<usize> {
        self.promoted.and_then(|id| self.replica_idx(id))
    }

    /// The address clients should use: the promoted replica once it accepted the promotion.
    pub fn current_addr(&self) -> &Addr {
        if self.in_failover() && self.failover_state >= FailoverState::ReconfSlaves {
            if let Some(r) = self.promoted_idx() {
                return &self.replicas[r].addr;
            }
        }
        &self.inst.addr
    }

    /// The command name to send for `cmd` (rename-command applies to replicas and sentinels too).
    pub fn map_command(&self, cmd: &str) -> String {
        self.renames.iter().find(|(from, _)| from.eq_ignore_ascii_case(cmd)).map_or_else(|| cmd.to_string(), |(_, to)| to.clone())
    }
}

/// Where an instance lives: master index, and which of its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    Master(usize),
    Replica(usize, usize),
    Sentinel(usize, usize),
}

impl Loc {
    pub fn master(self) -> usize {
        match self {
            Loc::Master(m) | Loc::Replica(m, _) | Loc::Sentinel(m, _) => m,
        }
    }
}
