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
pub mod replication;

use bytes::Bytes;
use std::fmt::Write as _;

use crate::state::State;
pub use replication::{ReplicaInfo, ReplicaState, Replication, EMPTY_REPLID};

/// Feeds a propagated command to the stream ([`Replication::feed`]), counting replicas dropped
/// for their output buffer limit.
pub fn feed(st: &mut State, db: Option<usize>, argv: &[Bytes]) {
    st.stats.client_output_buffer_limit_disconnections += st.repl.feed(db, argv);
}

/// Appends raw stream bytes (a replica proxying its master's stream): [`Replication::feed_raw`].
pub fn feed_raw(st: &mut State, bytes: &[u8]) {
    st.stats.client_output_buffer_limit_disconnections += st.repl.feed_raw(bytes);
}

/// Hands the gathered stream to the online replicas: [`Replication::flush_stream`].
pub fn flush_stream(st: &mut State) {
    st.stats.client_output_buffer_limit_disconnections += st.repl.flush_stream();
}

/// Creates the backlog, `repl-backlog-size` large, if missing.
pub fn ensure_backlog(st: &mut State) {
    let size = st.config.get_int("repl-backlog-size").unwrap_or(1 << 20).max(16 * 1024) as usize;
    st.repl.ensure_backlog(size);
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
        let up = m.state == replication::LinkState::Connected;
        f("master_link_status", &if up { "up" } else { "down" });
        f("master_last_io_seconds_ago", &if up { (now - m.last_io_ms) / 1000 } else { -1 });
        f("master_sync_in_progress", &((m.state == replication::LinkState::Transfer) as u8));
        f("slave_read_repl_offset", &m.read_offset());
        f("slave_repl_offset", &m.applied_offset());
        if m.state == replication::LinkState::Transfer {
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
            out.int(if m.state == replication::LinkState::Connected { m.applied_offset() } else { -1 });
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
