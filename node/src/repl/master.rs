//! The master side: replicas attach with PSYNC (or SYNC), get a partial resynchronization from the
//! backlog or a full one (an RDB from a forked child — written to disk and sent as `$<len>`, or
//! streamed diskless with `$EOF:<mark>` framing), then the live stream. Also REPLCONF, the 1 Hz
//! replication cron (newline keepalives, PINGs, GETACK, timeouts, backlog TTL) and the
//! min-replicas checks.

use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;

use super::replication::{ReplicaInfo, ReplicaState, SyncJob};
use crate::client::ClientState;
use crate::log;
use crate::outbox::Outbox;
use crate::persistence::rdb::encode::ReplInfo;
use crate::persistence::snapshot::{self, Child, ChildKind};
use crate::state::{Shared, State};
use crate::sys;
use crate::util::now_ms;

/// Stop queuing RDB chunks for a replica while this much is unsent.
const TRANSFER_HIGH_WATER: usize = 8 << 20;

pub fn min_replicas_settings(st: &State) -> (i64, i64) {
    st.repl.min_replicas
}

/// Replicas online whose last ACK is at most `min-replicas-max-lag` seconds old.
pub fn good_replicas(st: &State, now: i64) -> usize {
    let (_, max_lag) = min_replicas_settings(st);
    st.repl.replicas.iter().filter(|r| r.state == ReplicaState::Online && (now - r.ack_time_ms) / 1000 <= max_lag).count()
}

/// `min-replicas-to-write`: whether writes must be refused with -NOREPLICAS.
pub fn not_enough_replicas(st: &State) -> bool {
    let (min_write, max_lag) = min_replicas_settings(st);
    min_write > 0 && max_lag > 0 && !st.repl.is_replica() && (good_replicas(st, now_ms()) as i64) < min_write
}

/// REPLCONF (both sides: options a replica sends us, ACK from our replicas, GETACK from our master).
pub fn replconf(st: &mut State, me: &mut ClientState, argv: &[Bytes], out: &mut crate::resp::reply::Out) -> Result<(), String> {
    if (argv.len() - 1) % 2 != 0 {
        return Err(crate::resp::errors::SYNTAX.into());
    }
    let conf = me.repl_conf.get_or_insert_with(Default::default);
    for pair in argv[1..].chunks(2) {
        let opt = String::from_utf8_lossy(&pair[0]).to_ascii_lowercase();
        let val = &pair[1];
        match opt.as_str() {
            "listening-port" => {
                let port = crate::util::parse_i64(val).filter(|p| (0..=65535).contains(p)).ok_or("ERR value is not an integer or out of range")?;
                conf.listening_port = port as u16;
            }
            "ip-address" => {
                if val.len() >= 256 {
                    return Err("ERR REPLCONF ip-address provided by replica instance is too long: 255 bytes max".into());
                }
                conf.ip = Some(String::from_utf8_lossy(val).into_owned());
            }
            "capa" => {
                if val.eq_ignore_ascii_case(b"eof") {
                    conf.capa_eof = true;
                } else if val.eq_ignore_ascii_case(b"psync2") {
                    conf.capa_psync2 = true;
                }
            }
            "ack" => {
                // No reply; only a registered replica's ACK counts.
                if me.is_replica {
                    if let Some(off) = crate::util::parse_i64(val) {
                        ack(st, me.id, off);
                    }
                }
                return Ok(());
            }
            "getack" => {
                if me.is_master {
                    super::replica::answer_getack(st, out);
                }
                return Ok(());
            }
            "rdb-only" | "rdb-filter-only" => {}
            _ => return Err(format!("ERR Unrecognized REPLCONF option: {}", String::from_utf8_lossy(&pair[0]))),
        }
    }
    out.ok();
    Ok(())
}

fn ack(st: &mut State, id: u64, offset: i64) {
    // A replica released below must not get this batch's bytes twice (they are in its held buffer).
    super::flush_stream(st);
    let now = now_ms();
    let mut woke = false;
    if let Some(r) = st.repl.replicas.iter_mut().find(|r| r.client_id == id) {
        if offset > r.ack_offset {
            r.ack_offset = offset;
        }
        r.ack_time_ms = now;
        if r.hold_until_ack {
            // Diskless: the stream flows once the replica has loaded the RDB and said so.
            r.hold_until_ack = false;
            let held = std::mem::take(&mut r.buffered);
            if !held.is_empty() {
                r.outbox.data(held);
            }
        }
        woke = true;
    }
    if woke {
        crate::blocked::replicas_acked(st);
    }
}

/// Why PSYNC/SYNC is refused before anything else, if it is.
fn refuse_sync(st: &State) -> Option<&'static str> {
    match &st.repl.master {
        Some(m) if m.state != super::replication::LinkState::Connected => Some("NOMASTERLINK Can't SYNC while not connected with my master"),
        _ => None,
    }
}

/// PSYNC <replid> <offset> and SYNC (Redis's `syncCommand`).
pub fn psync(st: &mut State, me: &mut ClientState, argv: &[Bytes], out: &mut crate::resp::reply::Out, old_sync: bool) -> Result<(), String> {
    // A partial resync serves from the backlog, which already holds the unsent bytes.
    super::flush_stream(st);
    if me.is_replica {
        return Ok(());
    }
    if !old_sync && argv.len() > 3 {
        if argv.len() == 4 && argv[3].eq_ignore_ascii_case(b"failover") {
            super::failover::accept_takeover(st, &argv[1])?;
        } else {
            return Err(crate::resp::errors::SYNTAX.into());
        }
    }
    if let Some(e) = refuse_sync(st) {
        return Err(e.into());
    }
    // The stream must follow the replies already owed to this client, not overtake them.
    if !out.buf.is_empty() || me.outbox.pending() > 0 {
        return Err("ERR SYNC and PSYNC are invalid with pending output".into());
    }
    let conf = me.repl_conf.clone().unwrap_or_default();
    let peer_ip = me.addr.rsplit_once(':').map(|(ip, _)| ip.trim_start_matches('[').trim_end_matches(']').to_string()).unwrap_or_default();
    let shown = format!("{}:{}", conf.ip.as_deref().unwrap_or(&peer_ip), conf.listening_port);
    let mut info = ReplicaInfo {
        client_id: me.id,
        outbox: me.outbox.clone(),
        state: ReplicaState::WaitBgsaveStart,
        listening_port: conf.listening_port,
        announced_ip: conf.ip.clone(),
        peer_ip,
        capa_eof: conf.capa_eof,
        ack_offset: 0,
        ack_time_ms: now_ms(),
        buffered: Vec::new(),
        hold_until_ack: false,
        old_sync,
        obuf_soft_since_ms: 0,
        dropped: false,
    };
    if !old_sync {
        let want_id = String::from_utf8_lossy(&argv[1]).into_owned();
        let want_off = crate::util::parse_i64(&argv[2]).unwrap_or(-1);
        if let Some(data) = try_partial(st, &want_id, want_off) {
            log::notice(&format!(
                "Partial resynchronization request from {shown} accepted. Sending {} bytes of backlog starting from offset {want_off}.",
                data.len()
            ));
            if conf.capa_psync2 {
                out.raw(format!("+CONTINUE {}\r\n", st.repl.replid).as_bytes());
            } else {
                out.raw(b"+CONTINUE\r\n");
            }
            out.raw(&data);
            info.state = ReplicaState::Online;
            info.ack_offset = want_off - 1;
            me.is_replica = true;
            st.repl.replicas.push(info);
            st.repl.no_replicas_since_ms = 0;
            st.repl.stat_sync_partial_ok += 1;
            return Ok(());
        }
        if want_id != "?" {
            st.repl.stat_sync_partial_err += 1;
            log::notice(&format!("Full resync requested by replica {shown}"));
        } else {
            log::notice(&format!("Replica {shown} asks for synchronization"));
        }
    }
    st.repl.stat_sync_full += 1;
    me.is_replica = true;
    // The first replica of a master without a backlog starts a new history.
    if st.repl.backlog.is_none() && st.repl.replicas.is_empty() {
        st.repl.new_replid(&mut st.rng);
        st.repl.clear_replid2();
        super::ensure_backlog(st);
        log::notice(&format!("Replication backlog created, my new replication IDs are '{}' and '{}'", st.repl.replid, st.repl.replid2));
    }
    super::ensure_backlog(st);
    if st.repl.replicas.iter().all(|r| r.state != ReplicaState::WaitBgsaveStart) {
        st.repl.sync_waiting_since_ms = now_ms();
    }
    st.repl.replicas.push(info);
    st.repl.no_replicas_since_ms = 0;
    Ok(())
}

/// Redis's `masterTryPartialResynchronization`: the backlog bytes from `offset` when the replica
/// follows our history (current ID, or the previous one up to where it was valid).
fn try_partial(st: &State, replid: &str, offset: i64) -> Option<Vec<u8>> {
    let r = &st.repl;
    let ours = replid == r.replid || (replid == r.replid2 && offset <= r.second_offset);
    if !ours {
        return None;
    }
    let b = r.backlog.as_ref()?;
    if !b.can_continue_from(offset) {
        return None;
    }
    b.range(offset, r.offset + 1)
}

/// Removes a departing client from the replica registry.
pub fn forget_replica(st: &mut State, id: u64) {
    let before = st.repl.replicas.len();
    st.repl.replicas.retain(|r| r.client_id != id);
    if st.repl.replicas.len() != before {
        if let Some(job) = st.repl.sync_in_progress.as_mut() {
            job.targets.retain(|t| *t != id);
        }
        if st.repl.replicas.is_empty() {
            st.repl.no_replicas_since_ms = now_ms();
        }
        crate::blocked::replicas_acked(st);
    }
}

/// Asks the replicas for their offsets (REPLCONF GETACK) if someone waits for them.
pub fn send_getack(st: &mut State) {
    if !st.repl.get_ack_pending {
        return;
    }
    st.repl.get_ack_pending = false;
    if !st.repl.is_replica() {
        let before = st.repl.offset;
        super::feed(st, None, &[Bytes::from_static(b"REPLCONF"), Bytes::from_static(b"GETACK"), Bytes::from_static(b"*")]);
        st.repl.getack_span = (before, st.repl.offset);
    }
}

/// Redis sends WAIT's GETACK in beforeSleep, once per event-loop turn, whoever asked. Connection
/// tasks notify `shared.acks` when a batch made someone wait for acknowledgements; this task then
/// yields once, so the other ready connections run first (their waits share the GETACK), and sends it.
pub async fn ack_requests(shared: Arc<Shared>) {
    loop {
        shared.acks.notified().await;
        tokio::task::yield_now().await;
        let mut st = shared.lock();
        send_getack(&mut st);
        super::flush_stream(&mut st);
    }
}

/// Called every cron tick: starts pending full syncs, sends RDB files, and once a second does the
/// rest of Redis's replicationCron.
pub fn cron(shared: &Arc<Shared>, st: &mut State, second_tick: bool) {
    let now = now_ms();
    super::failover::cron(st);
    start_pending_sync(shared, st, now);
    start_transfers(shared, st);
    send_getack(st);
    if !second_tick {
        return;
    }
    // Newline keepalives to replicas waiting for their snapshot.
    for r in st.repl.replicas.iter() {
        let waiting = r.state == ReplicaState::WaitBgsaveStart
            || (r.state == ReplicaState::WaitBgsaveEnd && !st.repl.sync_in_progress.as_ref().is_some_and(|j| j.diskless));
        if waiting {
            r.outbox.data(b"\n".to_vec());
        }
    }
    let period = st.config.get_int("repl-ping-replica-period").unwrap_or(10).max(1) * 1000;
    if !st.repl.is_replica() && !st.repl.replicas.is_empty() && now - st.repl.last_ping_ms >= period {
        st.repl.last_ping_ms = now;
        let paused_for_failover = false;
        if !paused_for_failover {
            super::feed(st, None, &[Bytes::from_static(b"ping")]);
        }
    }
    let timeout = st.config.get_int("repl-timeout").unwrap_or(60).max(1) * 1000;
    for r in st.repl.replicas.iter() {
        if r.state == ReplicaState::Online && !r.old_sync && now - r.ack_time_ms > timeout {
            log::warning(&format!("Disconnecting timedout replica (streaming sync): {}:{}", r.ip(), r.listening_port));
            r.outbox.kill();
        }
    }
    let ttl = st.config.get_int("repl-backlog-ttl").unwrap_or(3600);
    if ttl > 0 && !st.repl.is_replica() && st.repl.replicas.is_empty() && st.repl.backlog.is_some() && now - st.repl.no_replicas_since_ms > ttl * 1000
    {
        st.repl.new_replid(&mut st.rng);
        st.repl.clear_replid2();
        st.repl.backlog = None;
        log::notice(&format!("Replication backlog freed after {ttl} seconds without connected replicas."));
    }
}

fn start_pending_sync(shared: &Arc<Shared>, st: &mut State, now: i64) {
    let waiting: Vec<u64> = st.repl.replicas.iter().filter(|r| r.state == ReplicaState::WaitBgsaveStart).map(|r| r.client_id).collect();
    if waiting.is_empty() || st.snapshots.child().is_some() || st.repl.sync_in_progress.is_some() {
        return;
    }
    let all_eof = st.repl.replicas.iter().filter(|r| waiting.contains(&r.client_id)).all(|r| r.capa_eof);
    let diskless = st.config.get_bool("repl-diskless-sync").unwrap_or(true) && all_eof;
    if diskless {
        let delay = st.config.get_int("repl-diskless-sync-delay").unwrap_or(5).max(0) * 1000;
        let max = st.config.get_int("repl-diskless-sync-max-replicas").unwrap_or(0);
        let enough = max > 0 && waiting.len() as i64 >= max;
        if now - st.repl.sync_waiting_since_ms < delay && !enough {
            return;
        }
    }
    let info = ReplInfo { stream_db: st.repl.seldb.unwrap_or(0) as i64, id: st.repl.replid.clone(), offset: st.repl.offset };
    let line = format!("+FULLRESYNC {} {}\r\n", st.repl.replid, st.repl.offset);
    let started = if diskless { fork_diskless(shared, st, &waiting, info, &line) } else { fork_disk(st, info) };
    match started {
        Ok(()) => {
            for r in st.repl.replicas.iter_mut().filter(|r| waiting.contains(&r.client_id)) {
                r.state = ReplicaState::WaitBgsaveEnd;
                r.ack_offset = st.repl.offset;
                if !r.old_sync && !diskless {
                    r.outbox.data(line.clone().into_bytes());
                }
            }
            // The next command in the stream carries its SELECT.
            st.repl.seldb = None;
            st.repl.sync_in_progress = Some(SyncJob { diskless, targets: waiting });
            log::notice(&format!("Starting BGSAVE for SYNC with target: {}", if diskless { "replicas sockets" } else { "disk" }));
        }
        Err(e) => {
            log::warning(&format!("BGSAVE for replication failed: {e}"));
            for r in st.repl.replicas.iter().filter(|r| waiting.contains(&r.client_id)) {
                r.outbox.kill();
            }
        }
    }
}

fn fork_disk(st: &mut State, info: ReplInfo) -> Result<(), String> {
    snapshot::bgsave_with(st, Some(info))
}

/// Forks the child that writes the snapshot into a pipe and starts the thread that copies it to the
/// replicas. `fullresync` is queued to each PSYNC replica before the thread can send anything.
fn fork_diskless(shared: &Arc<Shared>, st: &mut State, targets: &[u64], info: ReplInfo, fullresync: &str) -> Result<(), String> {
    let (rfd, wfd) = sys::pipe().map_err(|e| e.to_string())?;
    let mut opts = snapshot::save_options(st);
    opts.repl = Some(info);
    let dbs = &st.dbs;
    let forked = sys::fork_child(|| {
        sys::close(rfd);
        // The write end belongs to the child from here on.
        let mut file = unsafe_file(wfd);
        match crate::persistence::rdb::encode::save(&mut file, dbs, &opts, now_ms()) {
            Ok(_) => 0,
            Err(_) => 1,
        }
    });
    sys::close(wfd);
    let pid = match forked {
        Ok(pid) => pid,
        Err(e) => {
            sys::close(rfd);
            return Err(e.to_string());
        }
    };
    st.snapshots.child_started(Child { pid, kind: ChildKind::Sync, start_ms: now_ms() });
    let mark = st.rng.hex(40);
    let sinks: Vec<(u64, Outbox)> =
        st.repl.replicas.iter().filter(|r| targets.contains(&r.client_id)).map(|r| (r.client_id, r.outbox.clone())).collect();
    // NB: the copying thread sends `$EOF:<mark>` as soon as it runs, so +FULLRESYNC must be queued
    // first: a replica that reads the mark before it is told to expect a full sync gives up.
    for r in st.repl.replicas.iter().filter(|r| targets.contains(&r.client_id) && !r.old_sync) {
        r.outbox.data(fullresync.as_bytes().to_vec());
    }
    let shared = shared.clone();
    std::thread::spawn(move || {
        let mut pipe = unsafe_file(rfd);
        let header = format!("$EOF:{mark}\r\n").into_bytes();
        for (_, out) in &sinks {
            out.snapshot(header.clone());
        }
        let mut buf = vec![0u8; 1 << 16];
        let mut ok = true;
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    // Paced by the slowest replica, as Redis's pipe is: the snapshot never piles
                    // up in memory, and never counts against a replica's output buffer limit.
                    while sinks.iter().any(|(_, out)| out.pending() > TRANSFER_HIGH_WATER && !out.is_closed()) {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    for (_, out) in &sinks {
                        out.snapshot(buf[..n].to_vec());
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        let mut st = shared.lock();
        for (id, out) in &sinks {
            if !ok {
                out.kill();
                continue;
            }
            out.snapshot(mark.clone().into_bytes());
            if let Some(r) = st.repl.replicas.iter_mut().find(|r| r.client_id == *id) {
                r.state = ReplicaState::Online;
                r.hold_until_ack = true;
                r.ack_time_ms = now_ms();
                log::notice(&format!("Synchronization with replica {}:{} succeeded", r.ip(), r.listening_port));
            }
        }
    });
    Ok(())
}

/// A std File over a raw descriptor this process owns.
fn unsafe_file(fd: i32) -> std::fs::File {
    sys::file_from_fd(fd)
}

/// Starts sending the RDB file to replicas whose snapshot is ready.
fn start_transfers(shared: &Arc<Shared>, st: &mut State) {
    let ready: Vec<(u64, Outbox)> = st
        .repl
        .replicas
        .iter_mut()
        .filter(|r| r.state == ReplicaState::SendBulk && r.ack_time_ms >= 0)
        .map(|r| {
            // Marks the transfer as started.
            r.ack_time_ms = -1;
            (r.client_id, r.outbox.clone())
        })
        .collect();
    if ready.is_empty() {
        return;
    }
    let path = snapshot::rdb_path(st);
    for (id, out) in ready {
        let shared = shared.clone();
        let path = path.clone();
        tokio::spawn(async move {
            let read = tokio::task::spawn_blocking(move || std::fs::read(&path)).await;
            let data = match read.map_err(|e| std::io::Error::other(e.to_string())).and_then(|r| r) {
                Ok(d) => d,
                Err(e) => {
                    log::warning(&format!("Can't open the RDB file for the replica: {e}"));
                    out.kill();
                    return;
                }
            };
            out.snapshot(format!("${}\r\n", data.len()).into_bytes());
            for chunk in data.chunks(1 << 20) {
                while out.pending() > TRANSFER_HIGH_WATER {
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    if out.is_closed() {
                        return;
                    }
                }
                if !out.snapshot(chunk.to_vec()) {
                    return;
                }
            }
            let mut st = shared.lock();
            crate::repl::flush_stream(&mut st);
            if let Some(r) = st.repl.replicas.iter_mut().find(|r| r.client_id == id) {
                r.state = ReplicaState::Online;
                r.ack_time_ms = now_ms();
                let held = std::mem::take(&mut r.buffered);
                if !held.is_empty() {
                    r.outbox.data(held);
                }
                log::notice(&format!("Synchronization with replica {}:{} succeeded", r.ip(), r.listening_port));
            }
        });
    }
}
