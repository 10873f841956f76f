//! Propagation: the stream of write operations that the AOF and replicas receive (Redis's
//! `alsoPropagate` / `propagatePendingCommands`).
//!
//! A write command's own argv (or what it rewrote itself into: `SET k v EX 10` becomes
//! `SET k v PXAT <ms>`, `BLPOP` becomes `LPOP`, ...) is collected while the command runs, together
//! with any extra operations it asked for. When the outermost command finishes, the collected
//! operations go out as one unit: wrapped in MULTI/EXEC when there is more than one, as Redis 7.0
//! does. Deletions of expired or evicted keys go out at once, on their own.
//!
//! The sinks: the AOF buffer (`Aof::feed`), the replication stream (`repl::feed`, which counts
//! replicas dropped for their output limit), and a capture list that tests read. `ops.rs` holds
//! propagation's part of `State` (the operations collected, the call depth), below the state; this
//! file may call only the state, the sinks' entry points, which import nothing above it, and
//! `resp`'s command encoder (re-exported here), so everything that changes the keyspace can
//! propagate.

use bytes::Bytes;

pub mod ops;

/// How the stream encodes each operation (the one command encoder, in `resp`).
pub use crate::resp::request::encode_command;
pub use ops::{CommandProp, Op, Propagation, ALL, AOF, REPL};

use crate::state::State;

/// Whether anything listens: when nothing does, commands skip building operations.
pub fn wanted(st: &State) -> bool {
    st.aof.is_on() || st.prop.capture.is_some() || st.repl.feeding()
}

/// Queues an operation of the running command.
pub fn push(st: &mut State, db: usize, argv: Vec<Bytes>, targets: u8) {
    let targets = match st.prop.script_targets {
        Some(allowed) => targets & allowed,
        None => targets,
    };
    if targets != 0 && wanted(st) {
        st.prop.pending.push(Op { db: Some(db), argv, targets });
    }
}

/// Sends an operation right away, outside any unit (deletions of expired and evicted keys).
pub fn now(st: &mut State, db: usize, argv: Vec<Bytes>, targets: u8) {
    if wanted(st) {
        feed(st, Op { db: Some(db), argv, targets });
    }
}

/// The deletion Redis propagates for an expired or evicted key: DEL, or UNLINK when the matching
/// `lazyfree-lazy-*` option is on.
pub fn deletion(st: &mut State, db: usize, key: &[u8], lazy: bool) {
    if wanted(st) {
        now(st, db, vec![deletion_cmd(lazy), Bytes::copy_from_slice(key)], ALL);
    }
}

/// `DEL`, or `UNLINK` when the deletion is lazy (Redis's shared.del / shared.unlink).
pub fn deletion_cmd(lazy: bool) -> Bytes {
    Bytes::from_static(if lazy { b"UNLINK" } else { b"DEL" })
}

/// Sends the pending operations of a finished command: more than one go out as MULTI ... EXEC.
pub fn flush(st: &mut State) {
    if st.prop.pending.is_empty() {
        return;
    }
    let ops = std::mem::take(&mut st.prop.pending);
    let transaction = ops.len() > 1;
    if transaction {
        // MULTI takes the first operation's database: its SELECT, if one is needed, comes first.
        feed(st, Op { db: ops[0].db, argv: vec![Bytes::from_static(b"MULTI")], targets: ALL });
    }
    for op in ops {
        feed(st, op);
    }
    if transaction {
        feed(st, Op { db: None, argv: vec![Bytes::from_static(b"EXEC")], targets: ALL });
    }
}

fn feed(st: &mut State, op: Op) {
    if op.targets & AOF != 0 && st.aof.is_on() {
        st.aof.feed(op.db, &op.argv);
    }
    if op.targets & REPL != 0 && !st.prop.from_master && !st.repl.is_replica() {
        crate::repl::feed(st, op.db, &op.argv);
    }
    if let Some(c) = st.prop.capture.as_mut() {
        c.push(op);
    }
}
