//! The registry of blocked clients: who waits on which key (BLPOP, BZPOPMIN, BLMOVE ...) and who
//! waits in WAIT for replicas to acknowledge an offset. It sits below the commands and the
//! replication code because both change it: a command parks its client here, and a replica's ACK
//! (`repl::master`) wakes the WAITers whose count is reached. Serving clients blocked on keys
//! re-runs their command, so that part stays with the dispatcher (`cmd::blocking`).

use crate::client::{Blocked, ClientState};
use crate::resp::reply::Out;
use crate::state::State;

/// Registers `me` as waiting on its keys.
pub fn block_client(st: &mut State, me: &mut ClientState, b: Blocked) {
    for k in &b.keys {
        let q = st.blocking_keys.entry((b.db, k.clone())).or_default();
        if !q.contains(&me.id) {
            q.push_back(me.id);
        }
    }
    if is_group_reader(&b) {
        st.group_readers_blocked += 1;
    }
    me.blocked = Some(b);
}

/// An XREADGROUP client (counted apart: its stream's deletion unblocks it).
fn is_group_reader(b: &Blocked) -> bool {
    b.argv[0].eq_ignore_ascii_case(b"xreadgroup")
}

/// Forgets that a client waits (served, timed out, disconnected or unblocked).
pub fn unregister(st: &mut State, me: &mut ClientState) -> Option<Blocked> {
    let b = me.blocked.take()?;
    if is_group_reader(&b) {
        st.group_readers_blocked -= 1;
    }
    for k in &b.keys {
        let key = (b.db, k.clone());
        if let Some(q) = st.blocking_keys.get_mut(&key) {
            q.retain(|id| *id != me.id);
            if q.is_empty() {
                st.blocking_keys.remove(&key);
            }
        }
    }
    Some(b)
}

/// Parks `me` in WAIT: replicas are asked for their offsets before the next sleep.
pub fn wait_for_acks(st: &mut State, me: &ClientState) {
    st.repl.add_waiter(me.id);
}

/// The reply of a WAIT that timed out (the client left the registry already): how many replicas
/// acknowledged so far.
pub fn wait_timed_out(st: &mut State, me: &ClientState) -> Vec<u8> {
    st.repl.remove_waiter(me.id);
    let mut o = Out::with_resp(me.resp);
    o.int(st.repl.acked(me.woff) as i64);
    o.buf
}

/// After replicas acknowledged (or left): wakes WAITers whose count is reached, and clients whose
/// synchronous writes are confirmed (their connection releases the held replies).
pub fn replicas_acked(st: &mut State) {
    let need = st.config.ha_sync_replicas;
    for id in st.repl.take_confirmed_holds(need) {
        if let Some(c) = st.clients.get(&id) {
            c.outbox.wake();
        }
    }
    for id in st.repl.take_waiters() {
        let Some(c) = st.clients.get(&id) else { continue };
        let Some(b) = c.blocked.as_ref() else { continue };
        let want = crate::util::parse_i64(&b.argv[1]).unwrap_or(0);
        let have = st.repl.acked(c.woff);
        if have as i64 >= want {
            let resp = c.resp;
            if let Some(mut c) = st.clients.remove(&id) {
                unregister(st, &mut c);
                let mut o = Out::with_resp(resp);
                o.int(have as i64);
                c.outbox.unblocked(o.buf);
                st.clients.insert(id, c);
            }
        } else {
            st.repl.keep_waiter(id);
        }
    }
}
