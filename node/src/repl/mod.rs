//! Replication (PSYNC2), both sides, interoperable with Redis 7.0. Owns the replication state, the
//! links to our master and to our replicas, and the stream between them. May call the state,
//! `persistence` (the RDB a full sync sends or loads, its forked child, the AOF), the side
//! effects (`keyspace` for WATCH when a dataset is replaced, `blocked` to wake WAIT), `script`
//! (the master's FUNCTION libraries), `fence` (its INFO fields) and the ground; a replica applies
//! its master's stream through the dispatcher's installed entry point (`state::execute`), never
//! `cmd` itself.
//!
//! Layout, lowest first:
//! - `replication.rs`: replication's part of `State` (IDs, offsets, replicas, the master link, a
//!   FAILOVER in progress) and the stream's bookkeeping (feeding the backlog and the replicas);
//!   `backlog.rs`: the ring buffer partial resynchronization serves from. Both import nothing above
//!   the state, so the state, propagation and persistence can reach them.
//! - `replica.rs`: our master link — the handshake, receiving and loading the RDB, applying and
//!   proxying the stream, ACKs, reconnecting, REPLICAOF and promotion.
//! - `failover.rs`: FAILOVER, the coordinated switchover (it turns us into a replica).
//! - `master.rs`: our replicas — PSYNC/SYNC/REPLCONF, full syncs (disk or diskless, from a forked
//!   child like BGSAVE), ACKs (which wake WAIT through `crate::blocked`), min-replicas, the cron.
//! - `info.rs`: the INFO replication section and ROLE.
//!
//! This file keeps the entry points that also count replicas dropped for their output buffer
//! limit in the server's statistics (`feed`, `feed_raw`, `flush_stream`, `ensure_backlog`).
//!
//! The stream is what `propagate` hands over: every write, as Redis propagates it, preceded by a
//! SELECT when the database changes. Offsets count every byte of it (SELECT, PING, MULTI/EXEC
//! included), and a replica forwards the bytes it receives unchanged to its own replicas, so a
//! chain of replicas shares one stream and one offset space.

pub mod backlog;
pub mod failover;
pub mod info;
pub mod master;
pub mod replica;
pub mod replication;

use bytes::Bytes;

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
