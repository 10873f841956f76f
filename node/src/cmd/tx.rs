//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.

use bytes::Bytes;

use super::{call, lookup, CmdResult, Ctx, Handler, Lookup};
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
    let dirty = ctx.me.dirty_cas;
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
        match lookup(&argv) {
            Lookup::Found(def) => {
                call(ctx.st, ctx.me, ctx.out, def, &argv, ctx.now);
            }
            _ => ctx.out.error("ERR unknown command"),
        }
        // Errors inside EXEC are part of its reply, not failures of EXEC itself.
        ctx.out.errors.clear();
    }
    ctx.me.in_exec = false;
    Ok(())
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
        ctx.me.watched.push((db, key.clone()));
        ctx.st.watched_keys.entry((db, key.clone())).or_default().push(ctx.me.id);
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
            v.retain(|id| *id != me.id);
            if v.is_empty() {
                st.watched_keys.remove(&k);
            }
        }
    }
    me.dirty_cas = false;
}
