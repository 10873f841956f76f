//! The replication state `State` holds (Redis's `server.repl_*` and `server.master*` fields): IDs
//! and offsets, the backlog, our replicas and where each is in its sync, the link to our master, a
//! FAILOVER in progress. Its fields are the replication module's own; the rest of the server asks
//! through the methods here (`is_replica`, `refuses_writes`, `acked`, ...).
//!
//! The stream's bookkeeping lives here too, below everything that produces it: `feed` appends a
//! propagated command to the backlog and the replicas' buffers, `flush_stream` hands a batch to the
//! online replicas, and the snapshot side reports a finished child through `rdb_done` /
//! `sync_child_done`. Each returns how many replicas it dropped for their output buffer limit, for
//! the caller's statistics.

use bytes::Bytes;

use super::backlog::Backlog;
use crate::config::Config;
use crate::log;
use crate::outbox::obuf_over_limit;
use crate::sys;

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
    pub(in crate::repl) client_id: u64,
    /// The replica's connection (its client's outbox).
    pub(in crate::repl) outbox: crate::outbox::Outbox,
    pub(in crate::repl) state: ReplicaState,
    /// `REPLCONF listening-port` / `ip-address`; the socket's peer address otherwise.
    pub(in crate::repl) listening_port: u16,
    pub(in crate::repl) announced_ip: Option<String>,
    pub(in crate::repl) peer_ip: String,
    pub(in crate::repl) capa_eof: bool,
    pub(in crate::repl) ack_offset: i64,
    pub(in crate::repl) ack_time_ms: i64,
    /// Stream bytes held back until the RDB has been sent (and, diskless, the first ACK arrived).
    pub(in crate::repl) buffered: Vec<u8>,
    pub(in crate::repl) hold_until_ack: bool,
    /// SYNC (not PSYNC): an old tool that never ACKs.
    pub(in crate::repl) old_sync: bool,
    /// Since when the stream held back during a full sync has been over the soft limit (0 = it is
    /// not); once online the outbox's meter keeps this.
    pub(in crate::repl) obuf_soft_since_ms: i64,
    /// Dropped for its output buffer; gone from the registry once its connection closes.
    pub(in crate::repl) dropped: bool,
}

impl ReplicaInfo {
    pub fn ip(&self) -> &str {
        self.announced_ip.as_deref().unwrap_or(&self.peer_ip)
    }

    /// Redis's closeClientOnOutputBufferLimitReached for a replica: it is dropped (and will come
    /// back with a full sync), instead of letting one slow replica grow our memory unbounded.
    fn drop_for_obuf(&mut self) {
        log::warning(&format!(
            "Client id={} addr={}:{} flags=S scheduled to be closed ASAP for overcoming of output buffer limits.",
            self.client_id,
            self.ip(),
            self.listening_port
        ));
        self.buffered = Vec::new();
        self.dropped = true;
        self.outbox.drop_now();
    }
}

/// Replication state of this server (`server.repl_*`, `server.master*` in Redis).
#[derive(Debug)]
pub struct Replication {
    pub(in crate::repl) replid: String,
    pub(in crate::repl) replid2: String,
    /// Offset up to which replid2 is valid (second_repl_offset), -1 when none.
    pub(in crate::repl) second_offset: i64,
    /// master_repl_offset: bytes of stream produced (or, on a replica, received and applied).
    pub(in crate::repl) offset: i64,
    pub(in crate::repl) backlog: Option<Backlog>,
    /// When the last replica left (for repl-backlog-ttl), 0 while some are connected.
    pub(in crate::repl) no_replicas_since_ms: i64,
    pub(in crate::repl) replicas: Vec<ReplicaInfo>,
    /// The database the stream's last SELECT chose.
    pub(in crate::repl) seldb: Option<usize>,
    /// Our master, when we are a replica.
    pub(in crate::repl) master: Option<MasterLink>,
    /// Full syncs waiting to start (diskless: since when).
    pub(in crate::repl) sync_waiting_since_ms: i64,
    /// A full sync's snapshot is being produced for replicas (disk file or diskless pipe).
    pub(in crate::repl) sync_in_progress: Option<SyncJob>,
    pub(in crate::repl) last_ping_ms: i64,
    /// Clients are waiting in WAIT: ask replicas for their offsets before the next sleep.
    pub(in crate::repl) get_ack_pending: bool,
    /// Our offset just before and just after the last REPLCONF GETACK we fed. A replica answers a
    /// GETACK with its offset before it (as Redis's do), so while nothing followed the GETACK,
    /// that answer means it has every write (FAILOVER's catch-up test).
    pub(in crate::repl) getack_span: (i64, i64),
    /// Clients blocked in WAIT.
    pub(in crate::repl) wait_clients: Vec<u64>,
    /// Clients whose replies wait for `ha-sync-replicas` acknowledgements of an offset.
    pub(in crate::repl) sync_holds: Vec<(u64, i64)>,
    pub(in crate::repl) stat_sync_full: u64,
    pub(in crate::repl) stat_sync_partial_ok: u64,
    pub(in crate::repl) stat_sync_partial_err: u64,
    pub(in crate::repl) net_output_bytes: u64,
    pub(in crate::repl) net_input_bytes: u64,
    /// A FAILOVER in progress.
    pub(in crate::repl) failover: Option<Failover>,
    /// min-replicas-to-write / min-replicas-max-lag, cached (checked on every write).
    pub(in crate::repl) min_replicas: (i64, i64),
    /// `client-output-buffer-limit replica ...`, cached (checked on every feed).
    pub(in crate::repl) obuf_limit: crate::config::ObufLimit,
    /// Stream bytes for the online replicas not yet handed to their connections: gathered over a
    /// batch of commands and sent once ([`Replication::flush_stream`]), as Redis's shared replication buffer.
    pub(in crate::repl) unsent: Vec<u8>,
}

impl Replication {
    pub fn new(rng: &mut crate::util::Rng, c: &Config) -> Replication {
        let mut repl = Replication {
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
            getack_span: (-1, -1),
            wait_clients: Vec::new(),
            sync_holds: Vec::new(),
            stat_sync_full: 0,
            stat_sync_partial_ok: 0,
            stat_sync_partial_err: 0,
            net_output_bytes: 0,
            net_input_bytes: 0,
            min_replicas: (0, 10),
            obuf_limit: crate::config::ObufLimit { hard: 256 << 20, soft: 64 << 20, soft_seconds: 60 },
            unsent: Vec::new(),
            failover: None,
        };
        repl.refresh(c);
        repl
    }

    /// Re-reads the cached settings after the config changed.
    pub fn refresh(&mut self, c: &Config) {
        self.min_replicas = (c.get_int("min-replicas-to-write").unwrap_or(0), c.get_int("min-replicas-max-lag").unwrap_or(10));
        self.obuf_limit = c.client_output_buffer_limit(crate::config::ClientClass::Replica);
        if let Some(b) = self.backlog.as_mut() {
            b.resize(c.get_int("repl-backlog-size").unwrap_or(1 << 20).max(16 * 1024) as usize);
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

    /// Feeds a propagated command to the stream (Redis's `replicationFeedSlaves`): a SELECT first
    /// when the database changes, then the command. Returns the replicas dropped for their limit.
    pub fn feed(&mut self, db: Option<usize>, argv: &[Bytes]) -> u64 {
        if self.backlog.is_none() {
            return 0;
        }
        let mut buf = Vec::with_capacity(64);
        if let Some(db) = db {
            if self.seldb != Some(db) {
                crate::resp::request::encode_command(&mut buf, &[Bytes::from_static(b"SELECT"), Bytes::from(db.to_string())]);
                self.seldb = Some(db);
            }
        }
        crate::resp::request::encode_command(&mut buf, argv);
        self.feed_raw(&buf)
    }

    /// Appends raw stream bytes: to the backlog, the offset, and every replica (held back for those
    /// still receiving their RDB). Returns the replicas dropped for their output buffer limit.
    pub fn feed_raw(&mut self, bytes: &[u8]) -> u64 {
        let Some(backlog) = self.backlog.as_mut() else { return 0 };
        backlog.feed(bytes);
        self.offset += bytes.len() as i64;
        let limit = self.obuf_limit;
        let now = crate::util::now_ms();
        let mut dropped = 0;
        let mut streaming = false;
        for r in self.replicas.iter_mut().filter(|r| !r.dropped) {
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
                r.drop_for_obuf();
                dropped += 1;
            }
        }
        if streaming {
            self.unsent.extend_from_slice(bytes);
        }
        dropped
    }

    /// Hands the stream gathered since the last call to every online replica's connection (one
    /// message per replica per batch instead of one per command). Called where a batch of commands
    /// ends (with the AOF flush), from the cron, and before any replica starts or resumes streaming,
    /// so none receives bytes twice or misses any. Returns the replicas dropped for their limit.
    pub fn flush_stream(&mut self) -> u64 {
        if self.unsent.is_empty() {
            return 0;
        }
        let bytes = std::mem::take(&mut self.unsent);
        let limit = self.obuf_limit;
        let now = crate::util::now_ms();
        let mut dropped = 0;
        for r in self.replicas.iter_mut().filter(|r| !r.dropped && r.state == ReplicaState::Online && !r.hold_until_ack) {
            r.outbox.data(bytes.clone());
            self.net_output_bytes += bytes.len() as u64;
            // Only what the replica has not read yet counts: one that keeps pace is never dropped.
            if r.outbox.meter().over_limit(limit, now) {
                r.drop_for_obuf();
                dropped += 1;
            }
        }
        // Keep the allocation for the next batch unless it grew large.
        if bytes.capacity() <= 1 << 20 {
            let mut bytes = bytes;
            bytes.clear();
            self.unsent = bytes;
        }
        dropped
    }

    /// Creates the backlog of `size` bytes if missing (the first replica, or a replica connecting
    /// to its master).
    pub fn ensure_backlog(&mut self, size: usize) {
        if self.backlog.is_none() {
            self.backlog = Some(Backlog::new(size, self.offset));
        }
    }

    /// master_repl_offset: the stream's offset (produced, or on a replica received and applied).
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// A replica whose link to its master is not up (connecting, syncing or lost).
    pub fn master_link_down(&self) -> bool {
        self.master.as_ref().is_some_and(|m| m.state != LinkState::Connected)
    }

    /// Where in the replication history a save is (Redis's `rdbPopulateSaveInfo`): the stream's
    /// selected database, ID and offset, on a replica or a master with a backlog; None otherwise.
    pub fn save_info(&self) -> Option<(usize, String, i64)> {
        (self.is_replica() || self.backlog.is_some()).then(|| (self.seldb.unwrap_or(0), self.replid.clone(), self.offset))
    }

    /// A replica restarted from its own RDB continues the history it records (offered in PSYNC).
    pub fn resume_history(&mut self, replid: String, offset: i64) {
        self.replid = replid;
        self.offset = offset;
    }

    /// Bytes waiting for our replicas (their outboxes and what a full sync holds back): memory
    /// eviction does not count.
    pub fn replica_output_bytes(&self) -> u64 {
        self.replicas.iter().map(|r| (r.outbox.pending() + r.buffered.capacity()) as u64).sum()
    }

    /// INFO stats' (sync_full, sync_partial_ok, sync_partial_err).
    pub fn sync_stats(&self) -> (u64, u64, u64) {
        (self.stat_sync_full, self.stat_sync_partial_ok, self.stat_sync_partial_err)
    }

    /// Parks a client in WAIT: replicas are asked for their offsets before the next sleep.
    pub fn add_waiter(&mut self, client_id: u64) {
        self.get_ack_pending = true;
        self.wait_clients.push(client_id);
    }

    /// Forgets a client in WAIT (timed out, unblocked or gone).
    pub fn remove_waiter(&mut self, client_id: u64) {
        self.wait_clients.retain(|id| *id != client_id);
        self.sync_holds.retain(|(id, _)| *id != client_id);
    }

    /// Holds a client's replies until enough replicas acknowledged `offset` (synchronous mode):
    /// replicas are asked for their offsets before the next sleep.
    pub fn add_sync_hold(&mut self, client_id: u64, offset: i64) {
        self.get_ack_pending = true;
        self.sync_holds.push((client_id, offset));
    }

    /// Takes the holds `n` replicas now acknowledged (the rest stay).
    pub fn take_confirmed_holds(&mut self, n: usize) -> Vec<u64> {
        if self.sync_holds.is_empty() {
            return Vec::new();
        }
        let holds = std::mem::take(&mut self.sync_holds);
        let (done, rest): (Vec<_>, Vec<_>) = holds.into_iter().partition(|(_, off)| self.acked(*off) >= n);
        self.sync_holds = rest;
        done.into_iter().map(|(id, _)| id).collect()
    }

    /// Whether replicas are to be asked for their offsets (WAIT, a synchronous write, FAILOVER).
    pub fn wants_acks(&self) -> bool {
        self.get_ack_pending
    }

    /// Takes the clients in WAIT, for the caller to wake those served and hand back the rest
    /// ([`Replication::keep_waiter`]).
    pub fn take_waiters(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.wait_clients)
    }

    /// Puts back a client in WAIT whose count is not reached yet.
    pub fn keep_waiter(&mut self, client_id: u64) {
        self.wait_clients.push(client_id);
    }

    /// Online replicas whose acknowledged offset reached `offset` (WAIT's count).
    pub fn acked(&self, offset: i64) -> usize {
        self.replicas.iter().filter(|r| r.state == ReplicaState::Online && r.ack_offset >= offset).count()
    }

    /// The end of a diskless sync's child.
    pub fn sync_child_done(&mut self, exit: sys::ChildExit) {
        let job = self.sync_in_progress.take();
        if exit != sys::ChildExit::Code(0) {
            log::warning("Diskless rdb transfer, child exited with an error");
            if let Some(job) = job {
                for r in self.replicas.iter().filter(|r| job.targets.contains(&r.client_id) && r.state != ReplicaState::Online) {
                    r.outbox.kill();
                }
            }
        } else {
            log::notice("Diskless rdb transfer, done reading from pipe, replicas notified.");
        }
    }

    /// The end of a BGSAVE: replicas waiting for a disk snapshot get the file (or are dropped if it
    /// failed).
    pub fn rdb_done(&mut self, ok: bool) {
        if self.sync_in_progress.as_ref().is_some_and(|j| j.diskless) {
            return;
        }
        let Some(job) = self.sync_in_progress.take() else { return };
        for r in self.replicas.iter_mut().filter(|r| job.targets.contains(&r.client_id) && r.state == ReplicaState::WaitBgsaveEnd) {
            if ok {
                r.state = ReplicaState::SendBulk;
            } else {
                log::warning("SYNC failed. BGSAVE child returned an error");
                r.outbox.kill();
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Must (re)connect: the cron starts a link task.
    Connect,
    /// A link task is connecting or handshaking.
    Connecting,
    Handshake,
    /// Receiving the RDB.
    Transfer,
    Connected,
}

impl LinkState {
    /// The state as ROLE names it.
    pub fn role_name(self) -> &'static str {
        match self {
            LinkState::Connect => "connect",
            LinkState::Connecting => "connecting",
            LinkState::Handshake => "handshake",
            LinkState::Transfer => "sync",
            LinkState::Connected => "connected",
        }
    }
}

/// Our master and the link to it.
#[derive(Debug)]
pub struct MasterLink {
    pub(in crate::repl) host: String,
    pub(in crate::repl) port: u16,
    pub(in crate::repl) state: LinkState,
    /// Identifies the current link task; a stale task stops when it sees another value.
    pub(in crate::repl) generation: u64,
    pub(in crate::repl) last_io_ms: i64,
    pub(in crate::repl) down_since_ms: Option<i64>,
    pub(in crate::repl) transfer_size: i64,
    pub(in crate::repl) transfer_read: u64,
    /// The master's client entry while connected.
    pub(in crate::repl) master_client: Option<u64>,
    /// Offset applied from the master (equals our master_repl_offset while connected).
    pub(in crate::repl) reploff: i64,
    /// When the last connection attempt started (retries once a second).
    pub(in crate::repl) last_attempt_ms: i64,
}

impl MasterLink {
    pub fn read_offset(&self) -> i64 {
        self.reploff
    }

    pub fn applied_offset(&self) -> i64 {
        self.reploff
    }
}

/// A full sync in progress.
#[derive(Debug, Clone)]
pub struct SyncJob {
    pub(in crate::repl) diskless: bool,
    pub(in crate::repl) targets: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Writes paused; waiting for the target to acknowledge our offset.
    WaitForSync,
    /// We asked the target to take over and are connecting to it.
    InProgress,
}

#[derive(Debug, Clone)]
pub struct Failover {
    pub(in crate::repl) target: Option<(String, u16)>,
    pub(in crate::repl) force: bool,
    /// Unix ms; 0 = no timeout.
    pub(in crate::repl) deadline_ms: i64,
    pub(in crate::repl) stage: Stage,
}
