//! What changes to the keyspace set off, whoever makes them (a command, lazy or active expiry, an
//! eviction, a replica applying its master's stream, a flush): WATCH invalidation, keyspace
//! notifications, the `expired` events with their propagation, and latency samples.
//!
//! Below the commands: `cmd`, `evict`, `repl` and the server's cron all call in here; it calls only
//! the state, pub/sub delivery and propagation beneath it.

use bytes::Bytes;

use crate::client::ClientState;
use crate::notify;
use crate::resp::reply::Out;
use crate::state::State;

// --- Expired keys ---------------------------------------------------------------------------

/// Sends the `expired` events for keys expired in `db` and counts them.
pub fn expired_events(st: &mut State, mut me: Option<&mut ClientState>, mut out: Option<&mut Out>, db: usize) {
    if st.dbs[db].expired_log.is_empty() {
        return;
    }
    let keys = std::mem::take(&mut st.dbs[db].expired_log);
    st.stats.expired_keys += keys.len() as u64;
    // Like Redis, an expired key's deletion is not a change since the last save (it is implied by
    // the TTL already saved), but it is propagated, so the AOF and replicas drop the key too.
    let lazy = crate::propagate::wanted(st) && st.config.get_bool("lazyfree-lazy-expire").unwrap_or(false);
    for k in keys {
        touch_watched(st, me.as_deref_mut(), db, &k);
        notify_in_db(st, me.as_deref_mut(), out.as_deref_mut(), notify::EXPIRED, "expired", &k, db);
        crate::propagate::deletion(st, db, &k, lazy);
    }
}

// --- WATCH ------------------------------------------------------------------------------------

/// Redis's `touchWatchedKey`: clients watching (db, key) see their EXEC fail (see `cmd::tx`).
pub fn touch_watched(st: &mut State, me: Option<&mut ClientState>, db: usize, key: &[u8]) {
    if st.tracking.is_idle() {
        touch_key(st, me, db, key);
        return;
    }
    let mut me = me;
    touch_key(st, me.as_deref_mut(), db, key);
    // Redis's signalModifiedKey also invalidates the key for client-side caching.
    crate::tracking::invalidate_key(st, me, key, true);
}

/// Invalidates the WATCHes on keys of `db` (every db when None) that a flush is about to remove;
/// call it before emptying the database.
pub fn touch_all_watched(st: &mut State, me: Option<&mut ClientState>, db: Option<usize>) {
    let mut me = me;
    // Caching clients hear "everything changed" (`trackingInvalidateKeysOnFlush`).
    crate::tracking::invalidate_on_flush(st, me.as_deref_mut());
    for d in 0..st.dbs.len() {
        if db.is_none_or(|x| x == d) {
            touch_flushed_db(st, me.as_deref_mut(), d, None);
        }
    }
}

/// Redis's `touchWatchedKey`, after (db, key) changed. A watcher that saw the key already expired
/// is not touched by that key's deletion (logically nothing changed); like Redis, meeting such a
/// watcher while the key is still stored stops the walk.
pub fn touch_key(st: &mut State, me: Option<&mut ClientState>, db: usize, key: &[u8]) {
    if st.watched_keys.is_empty() {
        return;
    }
    // Stored at all, and stored but past its expiry. We send the touch of a lazily expired key
    // after the command (Redis does it at the lookup), so a key found alive again was recreated
    // since: for the watcher that saw it expired, that is the deletion and the change at once.
    let entry = st.dbs[db].peek(key, i64::MIN);
    let present = entry.is_some();
    let stale = entry.is_some_and(|e| e.is_expired(crate::util::now_ms()));
    let Some(watchers) = st.watched_keys.get_mut(&(db, Bytes::copy_from_slice(key))) else { return };
    let mut dirty = Vec::new();
    for (id, expired) in watchers.iter_mut() {
        if *expired {
            if !present || !stale {
                *expired = false;
            }
            if !present {
                continue;
            }
            if stale {
                break;
            }
        }
        dirty.push(*id);
    }
    mark_dirty(st, me, &dirty);
}

/// Redis's `touchAllWatchedKeysInDb`, before `emptied` is flushed (or swapped with `replaced_with`):
/// watchers of keys stored in either database see their EXEC fail, with the same care for keys that
/// were already expired when watched.
pub fn touch_flushed_db(st: &mut State, me: Option<&mut ClientState>, emptied: usize, replaced_with: Option<usize>) {
    if st.watched_keys.is_empty() {
        return;
    }
    let now = crate::util::now_ms();
    let State { watched_keys, dbs, .. } = st;
    let mut dirty = Vec::new();
    for ((db, key), watchers) in watched_keys.iter_mut() {
        if *db != emptied {
            continue;
        }
        let in_emptied = dbs[emptied].peek(key, i64::MIN).is_some();
        let other = replaced_with.and_then(|r| dbs[r].peek(key, i64::MIN));
        if !in_emptied && other.is_none() {
            continue;
        }
        let other_expired = other.is_some_and(|e| e.is_expired(now));
        for (id, expired) in watchers.iter_mut() {
            if *expired {
                if other.is_none() {
                    *expired = false;
                    continue;
                } else if other_expired {
                    continue;
                }
            } else if !in_emptied && other_expired {
                *expired = true;
                continue;
            }
            dirty.push(*id);
        }
    }
    mark_dirty(st, me, &dirty);
}

/// Marks clients as dirty (their next EXEC fails); `me` is the running client, out of the registry.
fn mark_dirty(st: &mut State, me: Option<&mut ClientState>, ids: &[u64]) {
    let mut me = me;
    for &id in ids {
        match me.as_deref_mut() {
            Some(m) if m.id == id => m.dirty_cas = true,
            _ => {
                if let Some(c) = st.clients.get_mut(&id) {
                    c.dirty_cas = true;
                }
            }
        }
    }
}

// --- Keyspace notifications -------------------------------------------------------------------

/// `notifyKeyspaceEvent` for a given db.
pub fn notify_in_db(st: &mut State, me: Option<&mut ClientState>, out: Option<&mut Out>, class: u32, event: &str, key: &[u8], db: usize) {
    let flags = st.config.notify_keyspace_events;
    if flags & class == 0 || flags & (notify::KEYSPACE | notify::KEYEVENT) == 0 {
        return;
    }
    let mut me = me;
    let mut out = out;
    if flags & notify::KEYSPACE != 0 {
        let mut chan = format!("__keyspace@{db}__:").into_bytes();
        chan.extend_from_slice(key);
        crate::pubsub::publish(st, me.as_deref_mut(), out.as_deref_mut(), &chan, event.as_bytes());
    }
    if flags & notify::KEYEVENT != 0 {
        let chan = format!("__keyevent@{db}__:{event}").into_bytes();
        crate::pubsub::publish(st, me, out, &chan, key);
    }
}

// --- Latency monitor --------------------------------------------------------------------------

/// How many samples an event keeps (LATENCY_TS_LEN).
const LATENCY_TS_LEN: usize = 160;

/// `latencyAddSampleIfNeeded`: records `ms` for `event` when it reaches latency-monitor-threshold;
/// samples in the same second are merged, keeping the highest.
pub fn latency_sample(st: &mut State, event: &str, ms: u64) {
    let threshold = st.config.latency_monitor_threshold;
    if threshold == 0 || ms < threshold {
        return;
    }
    let now = crate::util::now_ms() / 1000;
    let e = st.latency.entry(event.to_string()).or_default();
    e.max_ms = e.max_ms.max(ms);
    match e.history.back_mut() {
        Some(last) if last.0 == now => last.1 = last.1.max(ms),
        _ => {
            e.history.push_back((now, ms));
            if e.history.len() > LATENCY_TS_LEN {
                e.history.pop_front();
            }
        }
    }
    if let Some(&(t, l)) = e.history.back() {
        e.latest_s = t;
        e.latest_ms = l;
    }
}
