//! The replica side: REPLICAOF, the link to our master (handshake as a 7.0 replica does it, PSYNC,
//! receiving the RDB by `$<len>` or `$EOF:<mark>`, loading it, then applying the stream), ACKs,
//! reconnecting, and promotion (REPLICAOF NO ONE keeps the old ID as the secondary one, so the
//! other replicas of the old master continue with a partial resync).
//!
//! The link is one task. It takes the state lock only to apply a command or record progress, and
//! checks on each of those that it is still the current link (`generation`): a REPLICAOF that
//! changes the master simply makes the old task stop.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncWriteExt;

use super::replication::{LinkState, MasterLink};
use crate::client::ClientState;
use crate::log;
use crate::persistence::rdb::decode;
use crate::persistence::snapshot;
use crate::resp::peer::{self, Peer, PeerStream};
use crate::resp::reply::Out;
use crate::resp::request::{Limits, Request, RequestParser};
use crate::state::{Shared, State};
use crate::util::now_ms;

/// How much the master's stream is read at once (Redis reads PROTO_IOBUF_LEN, 16 KiB, per event;
/// larger reads mean fewer wake-ups when the stream is busy).
const STREAM_READ_LEN: usize = 64 * 1024;

/// Answers REPLCONF GETACK from our master: `REPLCONF ACK <offset>` (the offset before the GETACK,
/// which is accounted after it runs, as in Redis).
pub fn answer_getack(st: &State, out: &mut Out) {
    let off = st.repl.master.as_ref().map_or(st.repl.offset, |m| m.reploff);
    encode_ack(out, off);
}

fn encode_ack(out: &mut Out, offset: i64) {
    let mut buf = Vec::new();
    crate::resp::request::encode_command(&mut buf, &[Bytes::from_static(b"REPLCONF"), Bytes::from_static(b"ACK"), Bytes::from(offset.to_string())]);
    out.raw(&buf);
}

/// REPLICAOF host port / NO ONE. Returns the status to reply.
pub fn replicaof(st: &mut State, me: &mut ClientState, host: &[u8], port: &[u8]) -> Result<&'static str, String> {
    if me.is_master {
        return Err("ERR Command is not valid when client is a replica.".into());
    }
    if host.eq_ignore_ascii_case(b"no") && port.eq_ignore_ascii_case(b"one") {
        if st.repl.master.is_some() {
            promote(st);
            log::notice(&format!("MASTER MODE enabled (user request from 'id={} addr={}')", me.id, me.addr));
        }
        return Ok("OK");
    }
    let port = crate::util::parse_i64(port).filter(|p| (0..=65535).contains(p)).ok_or("ERR Invalid master port")? as u16;
    let host = String::from_utf8_lossy(host).into_owned();
    if let Some(m) = &st.repl.master {
        if m.host.eq_ignore_ascii_case(&host) && m.port == port {
            log::notice("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.");
            return Ok("OK Already connected to specified master");
        }
    }
    let demoted = st.repl.master.is_none();
    set_master(st, host.clone(), port);
    if demoted {
        close_normal_clients(st, me.id);
    }
    log::notice(&format!("REPLICAOF {host}:{port} enabled (user request from 'id={} addr={}')", me.id, me.addr));
    Ok("OK")
}

/// Starts following a master (also used for `replicaof` in the config at start-up).
pub fn set_master(st: &mut State, host: String, port: u16) {
    let generation = st.repl.master.as_ref().map_or(0, |m| m.generation) + 1;
    drop_master_client(st);
    // Our replicas resync with us: they will continue from our history where they can.
    disconnect_replicas(st);
    st.repl.master = Some(MasterLink {
        host: host.clone(),
        port,
        state: LinkState::Connect,
        generation,
        last_io_ms: now_ms(),
        down_since_ms: None,
        transfer_size: -1,
        transfer_read: 0,
        master_client: None,
        reploff: st.repl.offset,
        last_attempt_ms: 0,
    });
    crate::log::set_role(b'S');
    log::notice(&format!("Connecting to MASTER {host}:{port}"));
}

/// Promotion asked for by our master's PSYNC ... FAILOVER.
pub fn promote_for_failover(st: &mut State) {
    promote(st);
}

/// Promotion (Redis's `replicationUnsetMaster`).
fn promote(st: &mut State) {
    drop_master_client(st);
    st.repl.master = None;
    st.repl.shift_replid(&mut st.rng);
    log::notice(&format!(
        "Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
        st.repl.replid2, st.repl.second_offset, st.repl.replid
    ));
    disconnect_replicas(st);
    st.repl.seldb = None;
    crate::log::set_role(b'M');
}

fn drop_master_client(st: &mut State) {
    if let Some(id) = st.repl.master.as_mut().and_then(|m| m.master_client.take()) {
        if let Some(c) = st.clients.get_mut(&id) {
            c.killed = true;
            c.outbox.kill();
        }
        st.clients.remove(&id);
    }
}

fn disconnect_replicas(st: &mut State) {
    for r in &st.repl.replicas {
        r.outbox.kill();
    }
}

/// A master turned into a replica closes its normal clients, so they reconnect — through a
/// Service or a sentinel — to the new master instead of getting -READONLY forever.
fn close_normal_clients(st: &mut State, except: u64) {
    let mut n = 0;
    for c in st.clients.values_mut() {
        if c.id != except && !c.is_replica && !c.is_master && !c.monitor && c.subscriptions() == 0 && !c.killed {
            c.killed = true;
            c.outbox.kill();
            n += 1;
        }
    }
    if n > 0 {
        log::notice(&format!("Closed {n} client connections after turning into a replica"));
    }
}

/// Once per cron tick: starts a link task when one is due.
pub fn cron(shared: &Arc<Shared>, st: &mut State) {
    let now = now_ms();
    if st.loading.is_some() {
        return;
    }
    let Some(m) = st.repl.master.as_mut() else { return };
    if m.state != LinkState::Connect || now - m.last_attempt_ms < 1000 {
        return;
    }
    m.last_attempt_ms = now;
    m.state = LinkState::Connecting;
    let (host, port, generation) = (m.host.clone(), m.port, m.generation);
    let shared = shared.clone();
    tokio::spawn(async move {
        let result = run_link(&shared, &host, port, generation).await;
        let mut st = shared.lock();
        if !is_current(&st, generation) {
            return;
        }
        if let Err(e) = &result {
            log::warning(&format!("MASTER <-> REPLICA sync: {e}"));
        }
        drop_master_client(&mut st);
        if let Some(m) = st.repl.master.as_mut() {
            if m.state == LinkState::Connected {
                log::notice("Connection with master lost.");
                m.down_since_ms = Some(now_ms());
            }
            m.state = LinkState::Connect;
        }
    });
}

fn is_current(st: &State, generation: u64) -> bool {
    st.repl.master.as_ref().is_some_and(|m| m.generation == generation)
}

fn set_state(shared: &Shared, generation: u64, state: LinkState) -> Result<(), String> {
    let mut st = shared.lock();
    if !is_current(&st, generation) {
        return Err("link replaced".into());
    }
    if let Some(m) = st.repl.master.as_mut() {
        m.state = state;
        m.last_io_ms = now_ms();
    }
    Ok(())
}

struct LinkConfig {
    timeout: Duration,
    masterauth: Option<Vec<u8>>,
    masteruser: Option<Vec<u8>>,
    listening_port: u16,
    announce_ip: Option<String>,
    psync_id: String,
    psync_offset: i64,
    /// FAILOVER in progress: ask the new master to take over (`PSYNC ... FAILOVER`).
    failover: bool,
    /// `tls-replication yes`: the link is TLS.
    tls: Option<Arc<rustls::ClientConfig>>,
}

fn link_config(st: &State) -> LinkConfig {
    let c = &st.config;
    let nonempty = |v: Option<Vec<u8>>| v.filter(|v| !v.is_empty());
    let announce_port = c.get_int("replica-announce-port").unwrap_or(0);
    // A former master (or a replica that lost its link) offers its own history.
    let (psync_id, psync_offset) = (st.repl.replid.clone(), st.repl.offset + 1);
    LinkConfig {
        timeout: Duration::from_secs(c.get_int("repl-timeout").unwrap_or(60).max(1) as u64),
        masterauth: nonempty(c.get_raw(b"masterauth")),
        masteruser: nonempty(c.get_raw(b"masteruser")),
        listening_port: if announce_port > 0 {
            announce_port as u16
        } else if c.get_bool("tls-replication").unwrap_or(false) && c.get_int("tls-port").unwrap_or(0) > 0 {
            // Replicas are reached on the TLS port when replication is TLS.
            c.get_int("tls-port").unwrap_or(0) as u16
        } else {
            st.bound_port
        },
        announce_ip: c.get("replica-announce-ip").filter(|s| !s.is_empty()),
        psync_id,
        psync_offset,
        failover: st.repl.failover.is_some(),
        tls: if c.get_bool("tls-replication").unwrap_or(false) { st.tls.as_ref().map(|t| t.client.clone()) } else { None },
    }
}

/// One handshake command (the parts are byte strings of mixed lengths).
fn command(parts: &[&[u8]]) -> Vec<u8> {
    crate::resp::request::command_bytes(parts)
}

async fn run_link(shared: &Arc<Shared>, host: &str, port: u16, generation: u64) -> Result<(), String> {
    let cfg = link_config(&shared.lock());
    let mut peer = tokio::time::timeout(cfg.timeout, Peer::connect_with(host, port, cfg.tls.as_ref()))
        .await
        .map_err(|_| "Timeout connecting to the MASTER...".to_string())?
        .map_err(|e| format!("Error condition on socket for SYNC: {e}"))?
        .with_read_timeout(cfg.timeout);
    log::notice("MASTER <-> REPLICA sync started");
    set_state(shared, generation, LinkState::Handshake)?;
    peer.send(&["PING"]).await?;
    let pong = peer.read_line().await?;
    if !(pong.starts_with('+') || pong.starts_with("-NOAUTH") || pong.starts_with("-NOPERM") || pong.starts_with("-ERR operation not permitted")) {
        return Err(format!("Error reply to PING from master: '{pong}'"));
    }
    log::notice("Master replied to PING, replication can continue...");
    let mut batch = Vec::new();
    let mut expected = Vec::new();
    if let Some(pass) = &cfg.masterauth {
        match &cfg.masteruser {
            Some(user) => batch.extend(command(&[b"AUTH", user, pass])),
            None => batch.extend(command(&[b"AUTH", pass])),
        }
        expected.push("auth");
    }
    batch.extend(command(&[b"REPLCONF", b"listening-port", cfg.listening_port.to_string().as_bytes()]));
    expected.push("listening-port");
    if let Some(ip) = &cfg.announce_ip {
        batch.extend(command(&[b"REPLCONF", b"ip-address", ip.as_bytes()]));
        expected.push("ip-address");
    }
    batch.extend(command(&[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"]));
    expected.push("capa");
    peer.send_raw(&batch).await?;
    for what in expected {
        let reply = peer.read_line().await?;
        if reply.starts_with('-') {
            if what == "auth" {
                return Err(format!("Unable to AUTH to MASTER: {reply}"));
            }
            log::notice(&format!("(Non critical) Master does not understand REPLCONF {what}: {reply}"));
        }
    }
    log::notice(&format!("Trying a partial resynchronization (request {}:{}).", cfg.psync_id, cfg.psync_offset));
    let offset_text = cfg.psync_offset.to_string();
    let mut psync: Vec<&[u8]> = vec![b"PSYNC", cfg.psync_id.as_bytes(), offset_text.as_bytes()];
    if cfg.failover {
        psync.push(b"FAILOVER");
    }
    peer.send_raw(&command(&psync)).await?;
    let reply = peer.read_line().await?;
    // The RDB transfer and the stream read and write by themselves from here.
    let (mut sock, mut buf) = peer.into_parts();
    let mut acks = true;
    let inbox;
    if let Some(rest) = reply.strip_prefix("+FULLRESYNC ") {
        let mut parts = rest.split(' ');
        let id = parts.next().unwrap_or_default().to_string();
        let off: i64 = parts.next().and_then(|o| o.parse().ok()).ok_or("bad FULLRESYNC reply")?;
        if id.len() != 40 {
            return Err(format!("Master replied with wrong +FULLRESYNC syntax: {reply}"));
        }
        log::notice(&format!("Full resync from master: {id}:{off}"));
        inbox = full_sync(shared, generation, &mut sock, &mut buf, &cfg, Some((id, off))).await?;
    } else if reply.starts_with("+CONTINUE") {
        let new_id = reply.strip_prefix("+CONTINUE").map(str::trim).filter(|s| s.len() == 40).map(str::to_string);
        let mut st = shared.lock();
        if !is_current(&st, generation) {
            return Err("link replaced".into());
        }
        if let Some(id) = new_id {
            if id != st.repl.replid {
                st.repl.replid2 = std::mem::replace(&mut st.repl.replid, id);
                st.repl.second_offset = st.repl.offset + 1;
                log::notice(&format!("Master replication ID changed to {}", st.repl.replid));
                disconnect_replicas(&mut st);
            }
        }
        crate::repl::ensure_backlog(&mut st);
        inbox = connected(&mut st, None);
        log::notice("Successful partial resynchronization with master.");
        log::notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    } else if reply.starts_with("-NOMASTERLINK") || reply.starts_with("-LOADING") {
        return Err(format!("Master is currently unable to PSYNC but should be in the future: {reply}"));
    } else {
        log::notice(&format!("Unexpected reply to PSYNC from master: {reply}; retrying with SYNC..."));
        sock.write_all(b"SYNC\r\n").await.map_err(|e| e.to_string())?;
        acks = false;
        inbox = full_sync(shared, generation, &mut sock, &mut buf, &cfg, None).await?;
    }
    stream(shared, generation, &mut sock, &mut buf, &cfg, acks, inbox).await
}

/// Receives the RDB after FULLRESYNC (or SYNC), stores it as our RDB file and loads it.
async fn full_sync(
    shared: &Arc<Shared>,
    generation: u64,
    sock: &mut PeerStream,
    buf: &mut BytesMut,
    cfg: &LinkConfig,
    resync: Option<(String, i64)>,
) -> Result<MasterInbox, String> {
    let header = peer::read_line(sock, buf, Some(cfg.timeout)).await?;
    if header.starts_with('-') {
        return Err(format!("MASTER aborted replication with an error: {header}"));
    }
    let Some(spec) = header.strip_prefix('$') else {
        return Err(format!(
            "Bad protocol from MASTER, the first byte is not '$' (we received '{header}'), are you sure the host and port are right?"
        ));
    };
    let eof_mark = spec.strip_prefix("EOF:").map(|m| m.as_bytes().to_vec());
    let size: i64 = if eof_mark.is_some() { -1 } else { spec.parse().map_err(|_| format!("bad bulk length from master: {spec}"))? };
    if let Some(m) = &eof_mark {
        if m.len() != 40 {
            return Err("bad EOF mark from master".into());
        }
    }
    let (path, temp, to_disk) = {
        let mut st = shared.lock();
        if !is_current(&st, generation) {
            return Err("link replaced".into());
        }
        if let Some(m) = st.repl.master.as_mut() {
            m.state = LinkState::Transfer;
            m.transfer_size = size;
            m.transfer_read = 0;
        }
        let path = snapshot::rdb_path(&st);
        let temp = path.with_file_name(format!("temp-{}.{}.rdb", now_ms() / 1000, crate::sys::getpid()));
        (path, temp, !diskless_load(&st))
    };
    log::notice(&format!(
        "MASTER <-> REPLICA sync: receiving {}",
        match (size >= 0, to_disk) {
            (true, true) => format!("{size} bytes from master to disk"),
            (false, true) => "streamed RDB from master with EOF to disk".into(),
            (true, false) => format!("{size} bytes from master to parser"),
            (false, false) => "streamed RDB from master with EOF to parser".into(),
        }
    ));
    let mut data: Vec<u8> = Vec::with_capacity(size.max(0) as usize);
    let mut last_progress = now_ms();
    loop {
        if size >= 0 && data.len() as i64 >= size {
            break;
        }
        if let Some(mark) = &eof_mark {
            if data.len() >= 40 && data[data.len() - 40..] == mark[..] {
                data.truncate(data.len() - 40);
                break;
            }
        }
        if buf.is_empty() {
            let n = tokio::time::timeout(cfg.timeout, peer::read_more(sock, buf, STREAM_READ_LEN)).await.map_err(|_| "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.".to_string())?.map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("I/O error trying to sync with MASTER: connection lost".into());
            }
        }
        let want = if size >= 0 { (size as usize - data.len()).min(buf.len()) } else { buf.len() };
        if eof_mark.is_some() {
            // Take byte-wise enough to notice the mark right where it ends; the stream follows it.
            let take = take_until_mark(&data, buf, eof_mark.as_deref().unwrap_or_default());
            data.extend_from_slice(&buf.split_to(take));
        } else {
            data.extend_from_slice(&buf.split_to(want));
        }
        let now = now_ms();
        if now - last_progress >= 100 {
            last_progress = now;
            let mut st = shared.lock();
            if !is_current(&st, generation) {
                return Err("link replaced".into());
            }
            if let Some(m) = st.repl.master.as_mut() {
                m.transfer_read = data.len() as u64;
                m.last_io_ms = now;
            }
        }
    }
    if to_disk {
        // repl-diskless-load disabled: store it as our RDB, as a disk-loading replica does.
        let written = std::fs::write(&temp, &data).and_then(|_| std::fs::rename(&temp, &path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            log::warning(&format!("Failed trying to rename the temp DB into {} in MASTER <-> REPLICA synchronization: {e}", path.display()));
        }
    }
    let config = begin_loading(shared, generation, data.len() as u64, resync.as_ref().map(|(id, _)| id.as_str()))?;
    log::notice("MASTER <-> REPLICA sync: Loading DB in memory");
    let mut opts = crate::persistence::startup::load_options(&config);
    // A replica keeps keys its master still has: their expiry arrives as a DEL from the master.
    opts.drop_expired = false;
    // Parsed off the event loop, so clients (and the sentinels' PINGs) get answers meanwhile.
    let parsed = tokio::task::spawn_blocking(move || decode::load(&data, &opts).map_err(|e| e.to_string())).await;
    let loaded = match parsed.map_err(|e| e.to_string()).and_then(|r| r) {
        Ok(loaded) => loaded,
        Err(e) => {
            end_loading(&mut shared.lock());
            return Err(format!("Failed trying to load the MASTER synchronization DB from socket: {e}"));
        }
    };
    let (ack, inbox) = install(shared, generation, loaded, resync)?;
    if eof_mark.is_some() {
        let mut out = Out::new(2);
        encode_ack(&mut out, ack);
        sock.write_all(&out.buf).await.map_err(|e| e.to_string())?;
    }
    Ok(inbox)
}

/// Redis's `useDisklessLoad`: `repl-diskless-load swapdb` always parses the master's RDB without
/// storing it, `on-empty-db` only when we hold no keys (nothing could be lost), `disabled` never.
fn diskless_load(st: &State) -> bool {
    match st.config.get("repl-diskless-load").as_deref() {
        Some("swapdb") => true,
        Some("on-empty-db") => st.dbs.iter().all(|db| db.is_empty()),
        _ => false,
    }
}

/// Enters the loading state for the master's RDB, as Redis 7.0 does. With `repl-diskless-load swapdb`
/// the old dataset stays in memory until the new one replaces it, and keeps serving reads when the
/// master's history is the one we already had (`async_loading:1`; a fresh master gets `-LOADING`).
/// In the other modes the old data is flushed first and commands get `-LOADING` until the load ends.
/// Returns the configuration to load with.
fn begin_loading(shared: &Shared, generation: u64, total_bytes: u64, master_replid: Option<&str>) -> Result<crate::config::Config, String> {
    let mut st = shared.lock();
    if !is_current(&st, generation) {
        return Err("link replaced".into());
    }
    let swapdb = st.config.get("repl-diskless-load").as_deref() == Some("swapdb");
    if swapdb && master_replid == Some(st.repl.replid.as_str()) {
        st.async_loading = true;
        return Ok(st.config.clone());
    }
    if !swapdb {
        log::notice("MASTER <-> REPLICA sync: Flushing old data");
        if st.snapshots.child().is_some() {
            crate::persistence::snapshot::kill_child(&mut st);
        }
        crate::keyspace::touch_all_watched(&mut st, None, None);
        for db in st.dbs.iter_mut() {
            db.clear();
        }
    }
    let start_s = now_ms() / 1000;
    st.loading = Some(crate::persistence::loading::Loading::new(start_s, total_bytes));
    Ok(st.config.clone())
}

/// Leaves the state `begin_loading` entered, whether the load worked or not.
fn end_loading(st: &mut State) {
    st.loading = None;
    st.async_loading = false;
}

/// Replaces the dataset with the master's and marks the link up. Returns the offset to ACK.
fn install(shared: &Shared, generation: u64, loaded: decode::LoadedRdb, resync: Option<(String, i64)>) -> Result<(i64, MasterInbox), String> {
    let mut st = shared.lock();
    end_loading(&mut st);
    if !is_current(&st, generation) {
        return Err("link replaced".into());
    }
    if st.snapshots.child().is_some() {
        crate::persistence::snapshot::kill_child(&mut st);
    }
    crate::keyspace::touch_all_watched(&mut st, None, None);
    st.install_dataset(loaded.dbs);
    // The master's libraries replace ours, as its data does.
    if let Err(e) = st.scripts.functions_mut().restore(&loaded.functions, crate::script::functions::RestorePolicy::Flush) {
        crate::log::warning(&format!("Failed loading the master's functions: {e}"));
    }
    let (id, off) = match resync {
        Some((id, off)) => (id, off),
        // SYNC: no ID; take the file's.
        None => (loaded.repl_id.clone().unwrap_or_else(|| st.rng.hex(40)), loaded.repl_offset.unwrap_or(0)),
    };
    st.repl.replid = id;
    st.repl.offset = off;
    st.repl.clear_replid2();
    st.repl.backlog = None;
    crate::repl::ensure_backlog(&mut st);
    let stream_db = loaded.repl_stream_db.unwrap_or(0).max(0) as usize;
    let inbox = connected(&mut st, Some(stream_db));
    log::notice("MASTER <-> REPLICA sync: Finished with success");
    // An AOF must now describe the new dataset: rewrite it from scratch.
    if st.aof.is_on() {
        let _ = crate::persistence::aof::set_enabled(&mut st, false);
        let _ = crate::persistence::aof::set_enabled(&mut st, true);
    }
    Ok((off, inbox))
}

/// How many bytes of `buf` to take so that the data ends exactly at the EOF mark if the mark is in
/// `buf`: everything when it is not.
fn take_until_mark(data: &[u8], buf: &[u8], mark: &[u8]) -> usize {
    // Search the joint tail of data and buf for the mark's end.
    let tail_len = data.len().min(mark.len() - 1);
    let mut joint = Vec::with_capacity(tail_len + buf.len());
    joint.extend_from_slice(&data[data.len() - tail_len..]);
    joint.extend_from_slice(buf);
    match joint.windows(mark.len()).position(|w| w == mark) {
        Some(p) => p + mark.len() - tail_len,
        None => buf.len(),
    }
}

/// Marks the link up and registers the master's client (CLIENT LIST flags `M`).
fn connected(st: &mut State, db: Option<usize>) -> MasterInbox {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let id = crate::client::next_client_id();
    let addr = st.repl.master.as_ref().map(|m| format!("{}:{}", m.host, m.port)).unwrap_or_default();
    let mut c = ClientState::new(id, addr, String::new(), -1, tx, now_ms());
    c.is_master = true;
    c.authenticated = true;
    c.db = db.unwrap_or(0);
    st.clients.insert(id, Box::new(c));
    let offset = st.repl.offset;
    if let Some(m) = st.repl.master.as_mut() {
        m.state = LinkState::Connected;
        m.master_client = Some(id);
        m.reploff = offset;
        m.last_io_ms = now_ms();
        m.down_since_ms = None;
    }
    rx
}

/// Messages for the master's client (CLIENT KILL TYPE master ends the link).
type MasterInbox = tokio::sync::mpsc::UnboundedReceiver<crate::client::ClientMsg>;

/// Applies the master's stream: each command runs as the master client; its bytes then go to our
/// backlog and our own replicas unchanged. ACKs once a second (not for SYNC).
async fn stream(
    shared: &Arc<Shared>,
    generation: u64,
    sock: &mut PeerStream,
    buf: &mut BytesMut,
    cfg: &LinkConfig,
    acks: bool,
    mut inbox: MasterInbox,
) -> Result<(), String> {
    let mut parser = RequestParser::new();
    // Bytes the parser took into a command it has not finished yet (they count when it completes).
    let mut partial = 0usize;
    let mut ack_timer = tokio::time::interval(Duration::from_secs(1));
    let mut last_data = std::time::Instant::now();
    loop {
        // Apply everything complete in the buffer.
        let mut reply = Vec::new();
        {
            let mut st = shared.lock();
            if !is_current(&st, generation) {
                return Err("link replaced".into());
            }
            let Some(master_id) = st.repl.master.as_ref().and_then(|m| m.master_client) else {
                return Err("master client gone".into());
            };
            let Some(mut me) = st.clients.remove(&master_id) else { return Err("master client gone".into()) };
            let offset_before = st.repl.offset;
            let applied = apply_commands(&mut st, &mut me, &mut parser, buf, &mut partial, &mut reply);
            st.clients.insert(master_id, me);
            applied?;
            // ha-replica-prompt-ack (ours): every applied batch is acknowledged at once, so the
            // master's min-replicas-max-lag and synchronous writes see it without waiting a second.
            if acks && reply.is_empty() && st.repl.offset != offset_before && st.config.get_bool("ha-replica-prompt-ack").unwrap_or(false) {
                let mut out = Out::new(2);
                encode_ack(&mut out, st.repl.offset);
                reply = out.buf;
            }
            if st.aof.has_unwritten() {
                crate::persistence::aof::flush(&mut st);
            }
            crate::repl::flush_stream(&mut st);
        }
        if !reply.is_empty() {
            sock.write_all(&reply).await.map_err(|e| e.to_string())?;
        }
        // NB: a busy stream is always readable, and tokio only forces a yield after 128 ready
        // operations: let clients run between batches, as Redis's event loop serves every ready
        // connection once per turn, or reads on a busy replica wait behind a hundred batches.
        tokio::task::yield_now().await;
        tokio::select! {
            m = inbox.recv() => {
                if matches!(m, None | Some(crate::client::ClientMsg::Kill)) {
                    return Err("master client killed".into());
                }
            }
            r = peer::read_more(sock, buf, STREAM_READ_LEN) => {
                let n = r.map_err(|e| e.to_string())?;
                if n == 0 {
                    return Err("connection closed by master".into());
                }
                last_data = std::time::Instant::now();
                let mut st = shared.lock();
                st.repl.net_input_bytes += n as u64;
                if let Some(m) = st.repl.master.as_mut() {
                    m.last_io_ms = now_ms();
                }
            }
            _ = ack_timer.tick() => {
                if last_data.elapsed() > cfg.timeout {
                    return Err("MASTER timeout: no data nor PING received...".into());
                }
                if acks {
                    let off = shared.lock().repl.offset;
                    let mut out = Out::new(2);
                    encode_ack(&mut out, off);
                    sock.write_all(&out.buf).await.map_err(|e| e.to_string())?;
                }
            }
        }
    }
}

/// Runs every complete command in `buf` as the master client `me` (taken out of the registry for
/// the batch), queuing REPLCONF GETACK's answer in `reply`. The applied bytes go to our backlog and
/// replicas in one piece per batch; the offset only has to be exact when GETACK asks for it.
fn apply_commands(
    st: &mut State,
    me: &mut ClientState,
    parser: &mut RequestParser,
    buf: &mut BytesMut,
    partial: &mut usize,
    reply: &mut Vec<u8>,
) -> Result<(), String> {
    let limits = Limits { max_bulk_len: i64::MAX, authenticated: true, from_master: true };
    let mut out = Out::new(2);
    // Stream bytes applied and not yet accounted (fed to the backlog and the offset).
    let mut applied: Vec<u8> = Vec::new();
    let mut result = Ok(());
    loop {
        let before = buf.len();
        let parsed = match parser.parse(buf, limits) {
            Ok(p) => p,
            Err(e) => {
                result = Err(format!("protocol error from master: {}", e.0));
                break;
            }
        };
        let consumed = before - buf.len() + std::mem::take(partial);
        let argv = match parsed {
            None => {
                *partial = consumed;
                break;
            }
            Some(Request::Empty) => {
                applied.resize(applied.len() + consumed, b'\n');
                continue;
            }
            Some(Request::Command(argv)) => argv,
        };
        let getack = argv[0].eq_ignore_ascii_case(b"replconf");
        if getack {
            // The ACK it sends reports everything before it.
            account(st, &std::mem::take(&mut applied));
        }
        let start = applied.len();
        crate::resp::request::encode_command(&mut applied, &argv);
        // An inline command's bytes differ from its re-encoding: count what the wire carried.
        applied.resize(start + consumed, b'\n');
        st.prop.set_from_master(true);
        crate::state::execute(st, me, &mut out, argv);
        st.prop.set_from_master(false);
        // Only REPLCONF GETACK answers the master.
        if getack {
            reply.extend_from_slice(&out.buf);
        }
        out.buf.clear();
    }
    account(st, &applied);
    result
}

/// Advances our offset by what was applied and forwards the same bytes to our backlog and replicas.
fn account(st: &mut State, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    if st.repl.backlog.is_none() {
        st.repl.offset += bytes.len() as i64;
    } else {
        crate::repl::feed_raw(st, bytes);
    }
    let offset = st.repl.offset;
    if let Some(m) = st.repl.master.as_mut() {
        m.reploff = offset;
    }
}
