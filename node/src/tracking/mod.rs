//! Client-side caching (Redis 7.0 `tracking.c`): which clients read which keys, and the
//! invalidation messages they get when those keys change — RESP3 `invalidate` pushes, or
//! `__redis__:invalidate` messages to a RESP2 client subscribed there (REDIRECT).
//!
//! Two tables: keys read by clients in the default mode (a key's entry is dropped once its
//! clients are told), and, for BCAST clients, the prefixes they follow with the keys changed
//! under each since the last broadcast. Tracking is global across databases, as in Redis.
//! It sits beside `keyspace` (which calls in on every change, expiry and eviction) and below
//! the commands (CLIENT TRACKING/CACHING, the dispatcher's hooks), and this file calls only the
//! state, a client's entry and the reply writer. Its tables, the part of `State` (and of each
//! client) it owns, are in `tables.rs`, which imports nothing of the crate.

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::client::ClientState;
use crate::resp::reply::Out;
use crate::state::State;
pub use tables::{ClientTracking, Tracking};
use tables::{Pending, ScriptCaller};

pub mod tables;

const INVALIDATE_PUSH: &[u8] = b">2\r\n$10\r\ninvalidate\r\n";
const INVALIDATE_MESSAGE: &[u8] = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";

/// The "value" of an invalidation: one key, or a prepared RESP value (a BCAST key array, a null).
enum Value<'a> {
    Key(&'a [u8]),
    Proto(&'a [u8]),
}

fn key_array(keys: &[&[u8]]) -> Vec<u8> {
    let mut o = Out::with_resp(2);
    o.array(keys.len());
    for k in keys {
        o.bulk(k);
    }
    o.buf
}

/// `sendTrackingMessage`: the message for tracking client `id` (through its redirect when it has
/// one). `me` is the running client (out of `st.clients`); what is for it goes to `out`.
fn send(st: &mut State, mut me: Option<&mut ClientState>, mut out: Option<&mut Out>, id: u64, value: Value) {
    let me_id = me.as_ref().map(|m| m.id);
    let (redirect, resp) = {
        let c = if me_id == Some(id) { me.as_deref() } else { st.clients.get(&id).map(|b| &**b) };
        let Some(c) = c else { return };
        (c.tracking.as_ref().map(|t| t.redirect).unwrap_or(0), c.resp)
    };
    let mut target = id;
    let mut redirected = false;
    if redirect != 0 {
        let exists = me_id == Some(redirect) || st.clients.contains_key(&redirect);
        if !exists {
            let msg = if resp > 2 {
                let mut o = Out::with_resp(3);
                o.push(2);
                o.bulk(b"tracking-redir-broken");
                o.int(redirect as i64);
                Some(o.buf)
            } else {
                None
            };
            if me_id == Some(id) {
                if let Some(m) = me.as_deref_mut() {
                    if let Some(t) = m.tracking.as_mut() {
                        t.broken_redir = true;
                    }
                }
                if let (Some(msg), Some(o)) = (msg, out.as_deref_mut()) {
                    o.raw(&msg);
                }
            } else if let Some(c) = st.clients.get_mut(&id) {
                if let Some(t) = c.tracking.as_mut() {
                    t.broken_redir = true;
                }
                if let Some(msg) = msg {
                    c.send_within_limit(&st.obuf_limits, msg);
                }
            }
            return;
        }
        target = redirect;
        redirected = true;
    }
    let (t_resp, t_pubsub) = {
        let c = if me_id == Some(target) { me.as_deref() } else { st.clients.get(&target).map(|b| &**b) };
        let Some(c) = c else { return };
        (c.resp, c.subscriptions() > 0)
    };
    let mut bytes = if t_resp > 2 {
        INVALIDATE_PUSH.to_vec()
    } else if redirected && t_pubsub {
        INVALIDATE_MESSAGE.to_vec()
    } else {
        return;
    };
    match value {
        Value::Key(k) => bytes.extend_from_slice(&key_array(&[k])),
        Value::Proto(p) => bytes.extend_from_slice(p),
    }
    if me_id == Some(target) {
        if let Some(o) = out {
            o.raw(&bytes);
        }
    } else if let Some(c) = st.clients.get(&target) {
        c.send_within_limit(&st.obuf_limits, bytes);
    }
}

/// `enableTracking`: switches tracking on (options already checked by CLIENT TRACKING).
pub fn enable(st: &mut State, me: &mut ClientState, mode: ClientTracking, prefixes: &[Vec<u8>]) {
    let was = me.tracking.take();
    if was.is_none() {
        st.tracking.clients += 1;
    }
    let mut t = was.map(|b| *b).unwrap_or_default();
    t.redirect = mode.redirect;
    t.broken_redir = false;
    t.bcast = mode.bcast;
    t.optin = mode.optin;
    t.optout = mode.optout;
    t.noloop = mode.noloop;
    if mode.bcast {
        let all: Vec<Vec<u8>> = if prefixes.is_empty() { vec![Vec::new()] } else { prefixes.to_vec() };
        for p in all {
            let b = st.tracking.prefixes.entry(p.clone()).or_default();
            if b.clients.insert(me.id) {
                t.prefixes.insert(p);
            }
        }
    }
    me.tracking = Some(Box::new(t));
}

/// `disableTracking` (CLIENT TRACKING OFF, a closed connection).
pub fn disable(st: &mut State, me: &mut ClientState) {
    let Some(t) = me.tracking.take() else { return };
    for p in &t.prefixes {
        if let Some(b) = st.tracking.prefixes.get_mut(p) {
            b.clients.remove(&me.id);
            if b.clients.is_empty() {
                st.tracking.prefixes.remove(p);
            }
        }
    }
    st.tracking.clients -= 1;
}

/// Whether the mode's OPTIN/OPTOUT rules let this command's reads be remembered.
fn caching_allowed(t: &ClientTracking) -> bool {
    !((t.optin && !t.caching) || (t.optout && t.caching))
}

/// Marks the client about to run a script: the script's commands read and write on its behalf.
pub fn script_starts(st: &mut State, caller: &ClientState) {
    st.tracking.script_caller =
        caller.tracking.as_ref().map(|t| ScriptCaller { id: caller.id, remembers: !t.bcast && caching_allowed(t), noloop: t.noloop });
}

pub fn script_ends(st: &mut State) {
    st.tracking.script_caller = None;
}

/// Whose cache a read-only command's keys go into: the running client's in the default mode, or
/// the caller of the script running it.
pub fn reader(st: &State, me: &ClientState) -> Option<u64> {
    if me.is_script {
        return st.tracking.script_caller.filter(|c| c.remembers).map(|c| c.id);
    }
    let t = me.tracking.as_ref()?;
    (!t.bcast && caching_allowed(t)).then_some(me.id)
}

/// `trackingRememberKeys`: the keys a read-only command fetched, for client `id`.
pub fn remember_keys(st: &mut State, id: u64, keys: impl Iterator<Item = Bytes>) {
    for k in keys {
        let ids = st.tracking.table.entry(k).or_default();
        if !ids.contains(&id) {
            ids.push(id);
            st.tracking.items += 1;
        }
    }
}

/// `trackingInvalidateKey`: `key` changed (`bcast`) or is dropped from the table to keep it in
/// bounds (not `bcast`). `me` is the running client, if a client made the change.
#[cold]
pub fn invalidate_key(st: &mut State, me: Option<&mut ClientState>, key: &[u8], bcast: bool) {
    if st.tracking.clients == 0 && st.tracking.table.is_empty() {
        return;
    }
    let me_id = me.as_ref().map(|m| m.id);
    if bcast && !st.tracking.prefixes.is_empty() {
        for (p, b) in st.tracking.prefixes.iter_mut() {
            if key.starts_with(p) {
                b.keys.insert(key.to_vec(), me_id);
            }
        }
    }
    let Some(ids) = st.tracking.table.remove(key) else { return };
    st.tracking.items -= ids.len();
    let mut me = me;
    // A script's writes are its caller's (who is out of the client table while it runs).
    let caller = if me.as_ref().is_some_and(|m| m.is_script) { st.tracking.script_caller } else { None };
    for id in ids {
        if let Some(c) = caller.filter(|c| c.id == id) {
            if !c.noloop {
                st.tracking.pending.push(Pending::Key(Bytes::copy_from_slice(key)));
            }
            continue;
        }
        let t = if me_id == Some(id) {
            me.as_deref().and_then(|m| m.tracking.as_deref())
        } else {
            st.clients.get(&id).and_then(|c| c.tracking.as_deref())
        };
        let Some(t) = t else { continue };
        if t.bcast {
            continue;
        }
        if me_id == Some(id) {
            if t.noloop {
                continue;
            }
            // The running client hears of its own change after its reply.
            st.tracking.pending.push(Pending::Key(Bytes::copy_from_slice(key)));
        } else {
            send(st, me.as_deref_mut(), None, id, Value::Key(key));
        }
    }
}

/// `trackingInvalidateKeysOnFlush`: every tracking client gets a null ("everything"), and the
/// table is emptied.
pub fn invalidate_on_flush(st: &mut State, me: Option<&mut ClientState>) {
    let me_id = me.as_ref().map(|m| m.id);
    if st.tracking.clients > 0 {
        let ids: Vec<u64> = st.clients.iter().filter(|(_, c)| c.tracking.is_some()).map(|(id, _)| *id).collect();
        if me.as_ref().is_some_and(|m| m.tracking.is_some()) {
            st.tracking.pending.push(Pending::Flush);
        }
        let mut me = me;
        for id in ids {
            if Some(id) == me_id {
                continue;
            }
            let null: &[u8] = if st.clients.get(&id).is_some_and(|c| c.resp > 2) { b"_\r\n" } else { b"$-1\r\n" };
            send(st, me.as_deref_mut(), None, id, Value::Proto(null));
        }
    }
    st.tracking.table.clear();
    st.tracking.items = 0;
}

#[cold]
/// After the outermost command: the running client's own invalidations (after its reply, as
/// Redis's `trackingHandlePendingKeyInvalidations`), then the BCAST broadcasts.
pub fn after_command(st: &mut State, me: &mut ClientState, out: &mut Out) {
    if !st.tracking.pending.is_empty() {
        let id = me.id;
        for p in std::mem::take(&mut st.tracking.pending) {
            match p {
                Pending::Key(k) => send(st, Some(&mut *me), Some(&mut *out), id, Value::Key(&k)),
                Pending::Flush => {
                    let null: &[u8] = if me.resp > 2 { b"_\r\n" } else { b"$-1\r\n" };
                    send(st, Some(&mut *me), Some(&mut *out), id, Value::Proto(null));
                }
            }
        }
    }
    broadcast(st, Some(me), Some(out));
}

/// Redis clears CLIENT CACHING's flag after the next command (not while a transaction is being
/// queued).
pub fn clear_caching(me: &mut ClientState) {
    if let Some(t) = me.tracking.as_mut() {
        if !me.multi.active {
            t.caching = false;
        }
    }
}

/// `trackingBroadcastInvalidationMessages`: each prefix's changed keys to its BCAST clients.
pub fn broadcast(st: &mut State, mut me: Option<&mut ClientState>, mut out: Option<&mut Out>) {
    if st.tracking.prefixes.values().all(|b| b.keys.is_empty()) {
        return;
    }
    let work: Vec<(BTreeMap<Vec<u8>, Option<u64>>, Vec<u64>)> = st
        .tracking
        .prefixes
        .values_mut()
        .filter(|b| !b.keys.is_empty())
        .map(|b| (std::mem::take(&mut b.keys), b.clients.iter().copied().collect()))
        .collect();
    let me_id = me.as_ref().map(|m| m.id);
    for (keys, clients) in work {
        let all: Vec<&[u8]> = keys.keys().map(|k| &k[..]).collect();
        let proto = key_array(&all);
        for id in clients {
            let noloop = if me_id == Some(id) {
                me.as_deref().and_then(|m| m.tracking.as_ref()).is_some_and(|t| t.noloop)
            } else {
                st.clients.get(&id).and_then(|c| c.tracking.as_ref()).is_some_and(|t| t.noloop)
            };
            if noloop {
                let own: Vec<&[u8]> = keys.iter().filter(|(_, by)| **by != Some(id)).map(|(k, _)| &k[..]).collect();
                if !own.is_empty() {
                    let p = key_array(&own);
                    send(st, me.as_deref_mut(), out.as_deref_mut(), id, Value::Proto(&p));
                }
            } else {
                send(st, me.as_deref_mut(), out.as_deref_mut(), id, Value::Proto(&proto));
            }
        }
    }
}

#[cold]
/// `trackingLimitUsedSlots`: over `tracking-table-max-keys`, drops keys (telling their clients),
/// with more effort each time the table is still over the limit.
pub fn limit_used_slots(st: &mut State, me: Option<&mut ClientState>) {
    let max = st.config.get_int("tracking-table-max-keys").unwrap_or(1_000_000).max(0) as usize;
    if max == 0 || st.tracking.table.len() <= max {
        st.tracking.over_limit_rounds = 0;
        return;
    }
    let mut effort = 100 * (st.tracking.over_limit_rounds as usize + 1);
    let mut me = me;
    while effort > 0 {
        effort -= 1;
        let n = st.tracking.table.len();
        if n == 0 {
            break;
        }
        let pick = st.rng.below(n);
        let Some(k) = st.tracking.table.keys().nth(pick).cloned() else { break };
        invalidate_key(st, me.as_deref_mut(), &k, false);
        if st.tracking.table.len() <= max {
            st.tracking.over_limit_rounds = 0;
            return;
        }
    }
    st.tracking.over_limit_rounds += 1;
}
