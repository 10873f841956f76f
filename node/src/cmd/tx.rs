//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::CmdResult;
use super::{call, lookup, Lookup};
use crate::client::ClientState;
use crate::state::State;

pub const COMMANDS: &[(&str, Handler)] = &[("multi", multi), ("exec", exec), ("discard", discard), ("watch", watch), ("unwatch", unwatch)];

fn multi(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.me.multi.active {
        return Err("ERR MULTI calls can not be nested".into());
    }
    ctx.me.multi.active = true;
    ctx.out.ok();
    Ok(())
}

/// Drops a transaction in progress (DISCARD, RESET, after EXEC).
pub fn discard_transaction(me: &mut ClientState) {
    me.multi.active = false;
    me.multi.queue.clear();
    me.multi.dirty_queue = false;
}

fn discard(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if !ctx.me.multi.active {
        return Err("ERR DISCARD without MULTI".into());
    }
    discard_transaction(ctx.me);
    unwatch_all(ctx.st, ctx.me);
    ctx.out.ok();
    Ok(())
}

fn exec(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if !ctx.me.multi.active {
        return Err("ERR EXEC without MULTI".into());
    }
    if ctx.me.multi.dirty_queue {
        discard_transaction(ctx.me);
        unwatch_all(ctx.st, ctx.me);
        return Err("EXECABORT Transaction discarded because of previous errors.".into());
    }
    // A watched key that expired since WATCH counts as changed.
    let dirty = ctx.me.dirty_cas || watched_key_expired(ctx.st, ctx.me, ctx.now);
    let queue = std::mem::take(&mut ctx.me.multi.queue);
    discard_transaction(ctx.me);
    unwatch_all(ctx.st, ctx.me);
    if dirty {
        ctx.out.null_array();
        return Ok(());
    }
    ctx.out.array(queue.len());
    ctx.me.in_exec = true;
    for argv in queue {
        if let Lookup::Found(def) = lookup(&argv) {
            // The ACL rules may have changed since the command was queued.
            match super::acl::refuse_in_exec(ctx.st, ctx.me, def, &argv) {
                Some(msg) => {
                    ctx.out.error(&msg);
                    for code in ctx.out.errors.drain(..) {
                        ctx.st.stats.record_error(&code);
                    }
                }
                None => {
                    call(ctx.st, ctx.me, ctx.out, def, &argv, ctx.now, crate::util::now_us());
                }
            }
        }
        // Errors inside EXEC are part of its reply, not failures of EXEC itself.
        ctx.out.errors.clear();
    }
    ctx.me.in_exec = false;
    Ok(())
}

/// Redis's `isWatchedKeyExpired`: a watched key (not already expired at WATCH time) that is still
/// stored but past its expiry.
fn watched_key_expired(st: &State, me: &ClientState, now: i64) -> bool {
    me.watched.iter().any(|(db, key)| {
        let expired_at_watch = st.watched_keys.get(&(*db, key.clone())).and_then(|v| v.iter().find(|(id, _)| *id == me.id)).is_some_and(|(_, e)| *e);
        !expired_at_watch && is_expired_key(st, *db, key, now)
    })
}

/// A key still stored in `db` whose expiry has passed (Redis's `keyIsExpired`).
fn is_expired_key(st: &State, db: usize, key: &[u8], now: i64) -> bool {
    st.dbs[db].peek(key, i64::MIN).is_some_and(|e| e.is_expired(now))
}

fn watch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.me.multi.active {
        return Err("ERR WATCH inside MULTI is not allowed".into());
    }
    let db = ctx.me.db;
    for key in &argv[1..] {
        if ctx.me.watched.iter().any(|(d, k)| *d == db && k == key) {
            continue;
        }
        let expired = is_expired_key(ctx.st, db, key, ctx.now);
        ctx.me.watched.push((db, key.clone()));
        ctx.st.watched_keys.entry((db, key.clone())).or_default().push((ctx.me.id, expired));
    }
    ctx.out.ok();
    Ok(())
}

fn unwatch(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    unwatch_all(ctx.st, ctx.me);
    ctx.out.ok();
    Ok(())
}

/// Forgets every key a client watches and clears its dirty flag.
pub fn unwatch_all(st: &mut State, me: &mut ClientState) {
    for (db, key) in me.watched.drain(..) {
        let k = (db, key);
        if let Some(v) = st.watched_keys.get_mut(&k) {
            v.retain(|(id, _)| *id != me.id);
            if v.is_empty() {
                st.watched_keys.remove(&k);
            }
        }
    }
    me.dirty_cas = false;
}
