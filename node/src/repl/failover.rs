//! FAILOVER (Redis 6.2's coordinated switchover): the master pauses writes, waits until a replica
//! has acknowledged everything, then becomes that replica's replica with `PSYNC <id> <offset>
//! FAILOVER`, which makes the replica promote itself first — so no acknowledged write is lost and
//! the old master continues with a partial resync.

use super::replication::{Failover, ReplicaState, Stage};
use crate::log;
use crate::state::{Pause, State};
use crate::util::now_ms;

/// INFO's master_failover_state.
pub fn state_name(st: &State) -> &'static str {
    match st.repl.failover.as_ref().map(|f| f.stage) {
        None => "no-failover",
        Some(Stage::WaitForSync) => "waiting-for-sync",
        Some(Stage::InProgress) => "failover-in-progress",
    }
}

/// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms].
pub fn command(st: &mut State, argv: &[bytes::Bytes]) -> Result<(), String> {
    let (mut target, mut force, mut abort, mut timeout) = (None, false, false, None);
    let mut i = 1;
    while i < argv.len() {
        let a = String::from_utf8_lossy(&argv[i]).to_ascii_lowercase();
        match a.as_str() {
            "to" if i + 2 < argv.len() && target.is_none() => {
                let host = String::from_utf8_lossy(&argv[i + 1]).into_owned();
                let port = crate::util::parse_i64(&argv[i + 2]).ok_or("ERR value is not an integer or out of range")?;
                target = Some((host, port));
                i += 3;
            }
            "force" if !force => {
                force = true;
                i += 1;
            }
            "abort" if !abort => {
                abort = true;
                i += 1;
            }
            "timeout" if i + 1 < argv.len() && timeout.is_none() => {
                let t = crate::util::parse_i64(&argv[i + 1]).ok_or("ERR value is not an integer or out of range")?;
                if t <= 0 {
                    return Err("ERR FAILOVER timeout must be greater than 0".into());
                }
                timeout = Some(t);
                i += 2;
            }
            _ => return Err(crate::resp::errors::SYNTAX.into()),
        }
    }
    if abort {
        if target.is_some() || force || timeout.is_some() {
            return Err(crate::resp::errors::SYNTAX.into());
        }
        if st.repl.failover.is_none() {
            return Err("ERR No failover in progress.".into());
        }
        abort_failover(st, "Failover manually aborted");
        return Ok(());
    }
    if st.repl.is_replica() {
        return Err("ERR FAILOVER is not valid when server is a replica.".into());
    }
    if st.repl.replicas.is_empty() {
        return Err("ERR FAILOVER requires connected replicas.".into());
    }
    if st.repl.failover.is_some() {
        return Err("ERR FAILOVER already in progress.".into());
    }
    if force && (timeout.is_none() || target.is_none()) {
        return Err("ERR FORCE option requires both a timeout and target HOST and IP.".into());
    }
    let target = match target {
        Some((host, port)) => {
            let Some(r) = st.repl.replicas.iter().find(|r| r.ip() == host && r.listening_port as i64 == port) else {
                return Err("ERR FAILOVER target HOST and PORT is not a replica.".into());
            };
            if r.state != ReplicaState::Online {
                return Err("ERR FAILOVER target replica is not online.".into());
            }
            Some((host, port as u16))
        }
        None => None,
    };
    let deadline_ms = timeout.map_or(0, |t| now_ms() + t);
    log::notice(&match &target {
        Some((h, p)) => format!("FAILOVER requested to {h}:{p}."),
        None => "FAILOVER requested to any replica.".to_string(),
    });
    st.repl.failover = Some(Failover { target, force, deadline_ms, stage: Stage::WaitForSync });
    // Writes wait (CLIENT PAUSE WRITE) so the target can catch up with everything acknowledged.
    st.pause = Some(Pause { until_ms: i64::MAX, write_only: true });
    st.repl.get_ack_pending = true;
    Ok(())
}

fn abort_failover(st: &mut State, why: &str) {
    log::notice(&format!("FAILOVER aborted: {why}"));
    if st.repl.failover.as_ref().is_some_and(|f| f.stage == Stage::InProgress) {
        // We had started following the target: become a master again.
        st.repl.master = None;
        crate::log::set_role(b'M');
    }
    st.repl.failover = None;
    unpause(st);
}

fn unpause(st: &mut State) {
    if st.pause.is_some_and(|p| p.until_ms == i64::MAX) {
        st.pause = None;
        for c in st.clients.values() {
            c.outbox.wake();
        }
    }
}

/// Every cron tick: move the failover along.
pub fn cron(st: &mut State) {
    let Some(f) = st.repl.failover.clone() else { return };
    let now = now_ms();
    match f.stage {
        Stage::WaitForSync => {
            let timed_out = f.deadline_ms != 0 && now >= f.deadline_ms;
            let offset = st.repl.offset;
            let candidate = match &f.target {
                Some((h, p)) => st.repl.replicas.iter().find(|r| r.ip() == h && r.listening_port == *p && r.state == ReplicaState::Online),
                None => st.repl.replicas.iter().filter(|r| r.state == ReplicaState::Online).max_by_key(|r| r.ack_offset),
            };
            let Some(r) = candidate else {
                abort_failover(st, "Target replica disconnected");
                return;
            };
            // Caught up: acknowledged our offset, or answered our last GETACK when nothing but that
            // GETACK followed (its answer is the offset before it; the GETACK itself is no write).
            let (getack_before, getack_after) = st.repl.getack_span;
            let synced = r.ack_offset >= offset || (getack_after == offset && r.ack_offset >= getack_before);
            let (host, port) = (r.ip().to_string(), r.listening_port);
            if synced || (timed_out && f.force) {
                log::notice(&format!("Failover target {host}:{port} is synced, failing over."));
                if let Some(fo) = st.repl.failover.as_mut() {
                    fo.stage = Stage::InProgress;
                    fo.target = Some((host.clone(), port));
                    // The switch itself gets the timeout (or a default) to complete.
                    if fo.deadline_ms == 0 || synced {
                        fo.deadline_ms = now + 5000.max(fo.deadline_ms - now);
                    }
                }
                super::replica::set_master(st, host, port);
            } else if timed_out {
                abort_failover(st, "Replica never caught up before timeout");
            } else {
                st.repl.get_ack_pending = true;
            }
        }
        Stage::InProgress => {
            let connected = st.repl.master.as_ref().is_some_and(|m| m.state == super::replication::LinkState::Connected);
            if connected {
                log::notice("Failover target has accepted the PSYNC request, failover successful.");
                st.repl.failover = None;
                unpause(st);
            } else if f.deadline_ms != 0 && now >= f.deadline_ms {
                abort_failover(st, "Failover target did not accept the PSYNC request in time");
            }
        }
    }
}

/// The target's side: `PSYNC <id> <offset> FAILOVER` from our master asks us to take over first.
pub fn accept_takeover(st: &mut State, replid: &[u8]) -> Result<(), String> {
    if !st.repl.is_replica() {
        return Err("ERR PSYNC FAILOVER can't be sent to a master.".into());
    }
    if replid != st.repl.replid.as_bytes() {
        return Err("ERR PSYNC FAILOVER replid must match my replid.".into());
    }
    log::notice("Failover request received for replid, promoting to master.");
    super::replica::promote_for_failover(st);
    Ok(())
}
