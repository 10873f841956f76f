//! Replication (PSYNC2), both sides, interoperable with Redis 7.0.
//!
//! Layout:
//! - `backlog.rs`: the ring buffer partial resynchronization serves from.
//! - `master.rs`: our replicas — PSYNC/SYNC/REPLCONF, full syncs (disk or diskless, from a forked
//!   child like BGSAVE), feeding the stream, ACKs, WAIT, min-replicas, the replication cron.
//! - `replica.rs`: our master link — the handshake, receiving and loading the RDB, applying and
//!   proxying the stream, ACKs, reconnecting, REPLICAOF and promotion.
//!
//! The stream is what `propagate` hands over: every write, as Redis propagates it, preceded by a
//! SELECT when the database changes. Offsets count every byte of it (SELECT, PING, MULTI/EXEC
//! included), and a replica forwards the bytes it receives unchanged to its own replicas, so a
//! chain of replicas shares one stream and one offset space.

pub mod backlog;
pub mod failover;
pub mod master;
pub mod replica;

use bytes::Bytes;
use std::fmt::Write as _;

use crate::outbox::obuf_over_limit;
use crate::state::State;
use backlog::Backlog;

/// The "empty" secondary replication ID.
pub const EMPTY_REPLID: &str = "0000000000000000000000000000000000000000";

/// Where a replica of ours is in its synchronization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaState {
    /// Waiting for a full sync's snapshot to start.
    WaitBgsaveStart,
    /// The snapshot is being produced (and, diskless, sent).
    WaitBgsaveEnd,
    /// The RDB file is being sent.
    SendBulk,
    Online,
}

impl ReplicaState {
    pub fn name(self) -> &'static str {
        match self {
            ReplicaState::WaitBgsaveStart | ReplicaState::WaitBgsaveEnd => "wait_bgsave",
            ReplicaState::SendBulk => "send_bulk",
            ReplicaState::Online => "online",
        }
    }
}

/// One replica connected to us.
#[derive(Debug)]
pub struct ReplicaInfo {
    pub client_id: u64,
    /// The replica's connection (its client's outbox).
    pub outbox: crate::outbox::Outbox,
    pub state: ReplicaState,
    /// `REPLCONF listening-port` / `ip-address`; the socket's peer address otherwise.
    pub listening_port: u16,
    pub announced_ip: Option<String>,
    pub peer_ip: String,
    pub capa_eof: bool,
    pub capa_psync2: bool,
    pub ack_offset: i64,
    pub ack_time_ms: i64,
    /// Stream bytes held back until the RDB has been sent (and, diskless, the first ACK arrived).
    pub buffered: Vec<u8>,
    pub hold_until_ack: bool,
    /// SYNC (not PSYNC): an old tool that never ACKs.
    pub old_sync: bool,
    /// Since when the stream held back during a full sync has been over the soft limit (0 = it is
    /// not); once online the outbox's meter keeps this.
    pub obuf_soft_since_ms: i64,
    /// Dropped for its output buffer; gone from the registry once its connection closes.
    pub dropped: bool,
}

impl ReplicaInfo {
    pub fn ip(&self) -> &str {
        self.announced_ip.as_deref().unwrap_or(&self.peer_ip)
    }
}

/// Replication state of this server (`server.repl_*`, `server.master*` in Redis).
#[derive(Debug)]
pub struct Replication {
    pub replid: String,
    pub replid2: String,
    /// Offset up to which replid2 is valid (second_repl_offset), -1 when none.
    pub second_offset: i64,
    /// master_repl_offset: bytes of stream produced (or, on a replica, received and applied).
    pub offset: i64,
    pub backlog: Option<Backlog>,
    /// When the last replica left (for repl-backlog-ttl), 0 while some are connected.
    pub no_replicas_since_ms: i64,
    pub replicas: Vec<ReplicaInfo>,
    /// The database the stream's last SELECT chose.
    pub seldb: Option<usize>,
    /// Our master, when we are a replica.
    pub master: Option<replica::MasterLink>,
    /// Full syncs waiting to start (diskless: since when).
    pub sync_waiting_since_ms: i64,
    /// A full sync's snapshot is being produced for replicas (disk file or diskless pipe).
    pub sync_in_progress: Option<master::SyncJob>,
    pub last_ping_ms: i64,
    /// Clients are waiting in WAIT: ask replicas for their offsets before the next sleep.
    pub get_ack_pending: bool,
    /// Clients blocked in WAIT.
    pub wait_clients: Vec<u64>,
    pub stat_sync_full: u64,
    pub stat_sync_partial_ok: u64,
    pub stat_sync_partial_err: u64,
    pub net_output_bytes: u64,
    pub net_input_bytes: u64,
    /// A FAILOVER in progress.
    pub failover: Option<failover::Failover>,
    /// min-replicas-to-write / min-replicas-max-lag, cached (checked on every write).
    pub min_replicas: (i64, i64),
    /// `client-output-buffer-limit replica ...`, cached (checked on every feed).
    pub obuf_limit: crate::config::ObufLimit,
    /// Stream bytes for the online replicas not yet handed to their connections: gathered over a
    /// batch of commands and sent once ([`flush_stream`]), as Redis's shared replication buffer.
    pub unsent: Vec<u8>,
}

impl Replication {
    pub fn new(rng: &mut crate::util::Rng) -> Replication {
        Replication {
            replid: rng.hex(40),
            replid2: EMPTY_REPLID.to_string(),
            second_offset: -1,
            offset: 0,
            backlog: None,
            no_replicas_since_ms: crate::util::now_ms(),
            replicas: Vec::new(),
            seldb: None,
            master: None,
            sync_waiting_since_ms: 0,
            sync_in_progress: None,
            // Pings follow the server's clock from start-up, as Redis's cron loop count does: a
            // replica that has just attached sees the first write (after its SELECT) before any PING.
            last_ping_ms: crate::util::now_ms(),
            get_ack_pending: false,
            wait_clients: Vec::new(),
            stat_sync_full: 0,
            stat_sync_partial_ok: 0,
            stat_sync_partial_err: 0,
            net_output_bytes: 0,
            net_input_bytes: 0,
            min_replicas: (0, 10),
            obuf_limit: crate::config::ObufLimit { hard: 256 << 20, soft: 64 << 20, soft_seconds: 60 },
            unsent: Vec::new(),
            failover: None,
        }
    }

    pub fn is_replica(&self) -> bool {
        self.master.is_some()
    }

    /// Whether the stream is being recorded (a backlog exists): propagation then feeds it.
    pub fn feeding(&self) -> bool {
        self.backlog.is_some()
    }

    /// Redis's `changeReplicationId`.
    pub fn new_replid(&mut self, rng: &mut crate::util::Rng) {
        self.replid = rng.hex(40);
    }

    /// Redis's `shiftReplicationId`: the current ID becomes the secondary one, valid up to the
    /// current offset, and a new ID starts (promotion).
    pub fn shift_replid(&mut self, rng: &mut crate::util::Rng) {
        self.replid2 = std::mem::replace(&mut self.replid, rng.hex(40));
        self.second_offset = self.offset + 1;
    }

    pub fn clear_replid2(&mut self) {
        self.replid2 = EMPTY_REPLID.to_string();
        self.second_offset = -1;
    }
}

/// Feeds a propagated command to the stream (Redis's `replicationFeedSlaves`): a SELECT first when
/// the database changes, then the command.
pub fn feed(st: &mut State, db: Option<usize>, argv: &[Bytes]) {
    if st.repl.backlog.is_none() {
        return;
    }
    let mut buf = Vec::with_capacity(64);
    if let Some(db) = db {
        if st.repl.seldb != Some(db) {
            crate::propagate::encode_command(&mut buf, &[Bytes::from_static(b"SELECT"), Bytes::from(db.to_string())]);
            st.repl.seldb = Some(db);
        }
    }
    crate::propagate::encode_command(&mut buf, argv);
    feed_raw(st, &buf);
}

/// Appends raw stream bytes: to the backlog, the offset, and every replica (held back for those
/// still receiving their RDB).
pub fn feed_raw(st: &mut State, bytes: &[u8]) {
    let Some(backlog) = st.repl.backlog.as_mut() else { return };
    backlog.feed(bytes);
    st.repl.offset += bytes.len() as i64;
    let limit = st.repl.obuf_limit;
    let now = crate::util::now_ms();
    let mut dropped = 0;
    let mut streaming = false;
    for r in st.repl.replicas.iter_mut().filter(|r| !r.dropped) {
        match r.state {
            ReplicaState::WaitBgsaveStart => continue,
            // The snapshot itself does not count (Redis sends it beside the output buffer), only
            // the stream accumulated while it is produced and sent.
            ReplicaState::WaitBgsaveEnd | ReplicaState::SendBulk => r.buffered.extend_from_slice(bytes),
            ReplicaState::Online if r.hold_until_ack => r.buffered.extend_from_slice(bytes),
            ReplicaState::Online => {
                streaming = true;
                continue;
            }
        }
        if obuf_over_limit(limit, r.buffered.len(), &mut r.obuf_soft_since_ms, now) {
            drop_for_obuf(r);
            dropped += 1;
        }
    }
    if streaming {
        st.repl.unsent.extend_from_slice(bytes);
    }
    st.stats.client_output_buffer_limit_disconnections += dropped;
}

/// Hands the stream gathered since the last call to every online replica's connection (one
/// message per replica per batch instead of one per command). Called where a batch of commands
/// ends (with the AOF flush), from the cron, and before any replica starts or resumes streaming,
/// so none receives bytes twice or misses any.
pub fn flush_stream(st: &mut State) {
    if st.repl.unsent.is_empty() {
        return;
    }
    let bytes = std::mem::take(&mut st.repl.unsent);
    let limit = st.repl.obuf_limit;
    let now = crate::util::now_ms();
    let mut dropped = 0;
    for r in st.repl.replicas.iter_mut().filter(|r| !r.dropped && r.state == ReplicaState::Online && !r.hold_until_ack) {
        r.outbox.data(bytes.clone());
        st.repl.net_output_bytes += bytes.len() as u64;
        // Only what the replica has not read yet counts: one that keeps pace is never dropped.
        if r.outbox.meter().over_limit(limit, now) {
            drop_for_obuf(r);
            dropped += 1;
        }
    }
    st.stats.client_output_buffer_limit_disconnections += dropped;
    // Keep the allocation for the next batch unless it grew large.
    if bytes.capacity() <= 1 << 20 {
        let mut bytes = bytes;
        bytes.clear();
        st.repl.unsent = bytes;
    }
}

/// Redis's closeClientOnOutputBufferLimitReached for a replica: it is dropped (and will come back
/// with a full sync), instead of letting one slow replica grow our memory unbounded.
fn drop_for_obuf(r: &mut ReplicaInfo) {
    crate::log::warning(&format!(
        "Client id={} addr={}:{} flags=S scheduled to be closed ASAP for overcoming of output buffer limits.",
        r.client_id,
        r.ip(),
        r.listening_port
    ));
    r.buffered = Vec::new();
    r.dropped = true;
    r.outbox.drop_now();
}

/// Creates the backlog if missing (the first replica, or a replica connecting to its master).
pub fn ensure_backlog(st: &mut State) {
    if st.repl.backlog.is_none() {
        let size = st.config.get_int("repl-backlog-size").unwrap_or(1 << 20).max(16 * 1024) as usize;
        st.repl.backlog = Some(Backlog::new(size, st.repl.offset));
    }
}

/// The INFO `# Replication` section, in Redis 7.0's field order.
pub fn info_section(st: &State, o: &mut String) {
    let r = &st.repl;
    let now = crate::util::now_ms();
    let mut f = |k: &str, v: &dyn std::fmt::Display| {
        let _ = write!(o, "{k}:{v}\r\n");
    };
    if let Some(m) = &r.master {
        f("role", &"slave");
        f("master_host", &m.host);
        f("master_port", &m.port);
        let up = m.state == replica::LinkState::Connected;
        f("master_link_status", &if up { "up" } else { "down" });
        f("master_last_io_seconds_ago", &if up { (now - m.last_io_ms) / 1000 } else { -1 });
        f("master_sync_in_progress", &((m.state == replica::LinkState::Transfer) as u8));
        f("slave_read_repl_offset", &m.read_offset());
        f("slave_repl_offset", &m.applied_offset());
        if m.state == replica::LinkState::Transfer {
            let total = m.transfer_size;
            f("master_sync_total_bytes", &total);
            f("master_sync_read_bytes", &m.transfer_read);
            f("master_sync_left_bytes", &(total - m.transfer_read as i64));
            f("master_sync_perc", &format!("{:.2}", if total > 0 { m.transfer_read as f64 * 100.0 / total as f64 } else { 0.0 }));
            f("master_sync_last_io_seconds_ago", &((now - m.last_io_ms) / 1000));
        }
        if !up {
            f("master_link_down_since_seconds", &m.down_since_ms.map_or(-1, |t| (now - t) / 1000));
        }
        f("slave_priority", &st.config.get_int("replica-priority").unwrap_or(100));
        f("slave_read_only", &(st.config.get_bool("replica-read-only").unwrap_or(true) as u8));
        f("replica_announced", &(st.config.get_bool("replica-announced").unwrap_or(true) as u8));
    } else {
        f("role", &"master");
    }
    let listed: Vec<&ReplicaInfo> = r.replicas.iter().collect();
    f("connected_slaves", &listed.len());
    let (min_write, max_lag) = master::min_replicas_settings(st);
    if min_write > 0 && max_lag > 0 {
        f("min_slaves_good_slaves", &master::good_replicas(st, now));
    }
    for (i, s) in listed.iter().enumerate() {
        let lag = if s.state == ReplicaState::Online { (now - s.ack_time_ms) / 1000 } else { 0 };
        let line = format!("ip={},port={},state={},offset={},lag={}", s.ip(), s.listening_port, s.state.name(), s.ack_offset, lag);
        f(&format!("slave{i}"), &line);
    }
    f("master_failover_state", &failover::state_name(st));
    f("master_replid", &r.replid);
    f("master_replid2", &r.replid2);
    f("master_repl_offset", &r.offset);
    f("second_repl_offset", &r.second_offset);
    match &r.backlog {
        Some(b) => {
            f("repl_backlog_active", &1);
            f("repl_backlog_size", &b.size());
            f("repl_backlog_first_byte_offset", &b.first_offset);
            f("repl_backlog_histlen", &b.histlen);
        }
        None => {
            f("repl_backlog_active", &0);
            f("repl_backlog_size", &st.config.get_int("repl-backlog-size").unwrap_or(1 << 20));
            f("repl_backlog_first_byte_offset", &0);
            f("repl_backlog_histlen", &0);
        }
    }
}

/// ROLE's reply.
pub fn role_reply(st: &State, out: &mut crate::resp::reply::Out) {
    match &st.repl.master {
        Some(m) => {
            out.array(5);
            out.bulk(b"slave");
            out.bulk(m.host.as_bytes());
            out.int(m.port as i64);
            out.bulk(m.state.role_name().as_bytes());
            out.int(if m.state == replica::LinkState::Connected { m.applied_offset() } else { -1 });
        }
        None => {
            out.array(3);
            out.bulk(b"master");
            out.int(st.repl.offset);
            let online: Vec<&ReplicaInfo> = st.repl.replicas.iter().filter(|r| r.state == ReplicaState::Online).collect();
            out.array(online.len());
            for r in online {
                out.array(3);
                out.bulk(r.ip().as_bytes());
                out.bulk(r.listening_port.to_string().as_bytes());
                out.bulk(r.ack_offset.to_string().as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::obuf_over_limit;
    use crate::config::ObufLimit;

    #[test]
    fn output_buffer_limits_follow_redis_rules() {
        let limit = ObufLimit { hard: 1000, soft: 500, soft_seconds: 2 };
        let mut since = 0;
        // Under both limits: fine, and the soft clock stays stopped.
        assert!(!obuf_over_limit(limit, 499, &mut since, 10_000));
        assert_eq!(since, 0);
        // Over soft: the clock starts, not yet a disconnection...
        assert!(!obuf_over_limit(limit, 500, &mut since, 10_000));
        assert_eq!(since, 10_000);
        // ...still within soft_seconds...
        assert!(!obuf_over_limit(limit, 600, &mut since, 12_000));
        // ...and past them it is.
        assert!(obuf_over_limit(limit, 600, &mut since, 12_001));
        // Dropping under soft resets the clock.
        assert!(!obuf_over_limit(limit, 10, &mut since, 12_002));
        assert_eq!(since, 0);
        // The hard limit applies at once (at exactly the limit, as Redis's >=).
        assert!(obuf_over_limit(limit, 1000, &mut since, 12_003));
        // Zero disables a limit.
        let off = ObufLimit { hard: 0, soft: 0, soft_seconds: 0 };
        assert!(!obuf_over_limit(off, usize::MAX, &mut since, 0));
    }
}
