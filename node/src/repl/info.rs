//! What replication shows: the INFO `# Replication` section and the ROLE reply, in Redis 7.0's
//! field order, read from the replication state and the master side's min-replicas view.

use std::fmt::Write as _;

use super::failover;
use super::master::{good_replicas, min_replicas_settings};
use super::replication::{LinkState, ReplicaInfo, ReplicaState};
use crate::state::State;

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
        let up = m.state == LinkState::Connected;
        f("master_link_status", &if up { "up" } else { "down" });
        f("master_last_io_seconds_ago", &if up { (now - m.last_io_ms) / 1000 } else { -1 });
        f("master_sync_in_progress", &((m.state == LinkState::Transfer) as u8));
        f("slave_read_repl_offset", &m.read_offset());
        f("slave_repl_offset", &m.applied_offset());
        if m.state == LinkState::Transfer {
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
    let (min_write, max_lag) = min_replicas_settings(st);
    if min_write > 0 && max_lag > 0 {
        f("min_slaves_good_slaves", &good_replicas(st, now));
    }
    for (i, s) in listed.iter().enumerate() {
        let lag = if s.state == ReplicaState::Online { (now - s.ack_time_ms) / 1000 } else { 0 };
        let line = format!("ip={},port={},state={},offset={},lag={}", s.ip(), s.listening_port, s.state.name(), s.ack_offset, lag);
        f(&format!("slave{i}"), &line);
    }
    crate::fence::info_fields(st, now, &mut |k, v| f(k, v));
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
            out.int(if m.state == LinkState::Connected { m.applied_offset() } else { -1 });
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
