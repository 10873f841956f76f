//! Pops: ZPOPMIN/ZPOPMAX, their blocking forms BZPOPMIN/BZPOPMAX, ZMPOP and BZMPOP, and how the
//! blocking and multi-key ones are propagated (as the plain pop they did).

use bytes::Bytes;

use super::zwrite;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, CmdResult, SYNTAX};
use crate::cmd::{args, blocking};
use crate::db::Elem;
use crate::notify;

/// `getRangeLongFromObjectOrReply(1, LONG_MAX, msg)`: any failure replies `msg`.
fn positive_nonzero(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match crate::util::parse_i64(arg) {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(msg.into()),
    }
}

/// `genericZpopCommand`: pops up to `count` (-1 = one, no count given) members from the first
/// existing key. `emitkey` prefixes the key; `nested` gives [member, score] pairs; `nil_empty`
/// replies a null array (not an empty one) when every key is missing. Returns the key popped from
/// and how many members it gave, if any.
fn zpop_generic(
    ctx: &mut Ctx,
    keys: &[Bytes],
    max: bool,
    emitkey: bool,
    count: i64,
    nested: bool,
    nil_empty: bool,
) -> Result<Option<(Bytes, usize)>, CmdError> {
    let mut found = None;
    for k in keys {
        if zwrite(ctx, k)?.is_some() {
            found = Some(k);
            break;
        }
    }
    let Some(key) = found else {
        if nil_empty {
            ctx.out.null_array();
        } else {
            ctx.out.array(0);
        }
        return Ok(None);
    };
    if count == 0 {
        ctx.out.array(0);
        return Ok(None);
    }
    let want = if count == -1 { 1 } else { count as u64 };
    let Some(z) = zwrite(ctx, key)? else { return Err("ERR internal error: key vanished".into()) };
    let n = want.min(z.len() as u64) as usize;
    let popped: Vec<(Elem, f64)> = (0..n).filter_map(|_| z.pop(max)).collect();
    // Redis sends the event after the reply's header and before the members (it fires on the
    // first pop), which shows when the client itself receives the event as a RESP3 push.
    let out = &mut *ctx.out;
    match (nested, emitkey) {
        (false, false) => out.array(n * 2),
        (true, false) => out.array(n),
        (false, true) => {
            out.array(n * 2 + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    if n > 0 {
        ctx.notify(notify::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
        ctx.modified(key);
    }
    for (m, s) in &popped {
        if nested {
            ctx.out.array(2);
        }
        ctx.out.bulk(m);
        ctx.out.double(*s);
    }
    ctx.dirty(n as u64);
    ctx.delete_if_empty(key);
    Ok((n > 0).then(|| (key.clone(), n)))
}

/// BZPOPMIN/BZPOPMAX, ZMPOP and BZMPOP are propagated as the plain pop they did: `ZPOPMIN key`
/// for the single-member blocking pops, `ZPOPMIN key <popped>` for the multi-key ones.
fn propagate_zpop(ctx: &mut Ctx, popped: Option<(Bytes, usize)>, max: bool, with_count: bool) {
    let Some((key, n)) = popped else { return };
    if !ctx.propagation_wanted() {
        return;
    }
    let cmd = Bytes::from_static(if max { b"ZPOPMAX" } else { b"ZPOPMIN" });
    let mut v = vec![cmd, key];
    if with_count {
        v.push(Bytes::from(n.to_string()));
    }
    ctx.propagate_as(v);
}

pub(super) fn zpopmin(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zpop_cmd(ctx, argv, false)
}

pub(super) fn zpopmax(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zpop_cmd(ctx, argv, true)
}

fn zpop_cmd(ctx: &mut Ctx, argv: &[Bytes], max: bool) -> CmdResult {
    if argv.len() > 3 {
        return Err(SYNTAX.into());
    }
    let count = if argv.len() == 3 { args::count(&argv[2])? as i64 } else { -1 };
    let nested = ctx.out.is_resp3() && count != -1;
    zpop_generic(ctx, &argv[1..2], max, false, count, nested, false).map(drop)
}

/// `blockingGenericZpopCommand`: pops from the first non-empty key or blocks on all of them.
fn bzpop_generic(ctx: &mut Ctx, argv: &[Bytes], keys: &[Bytes], max: bool, timeout_idx: usize, count: i64, nested: bool) -> CmdResult {
    let deadline_ms = blocking::parse_timeout(&argv[timeout_idx], ctx.now)?;
    for k in keys {
        if zwrite(ctx, k)?.is_some_and(|z| !z.is_empty()) {
            let popped = zpop_generic(ctx, std::slice::from_ref(k), max, true, count, nested, nested)?;
            propagate_zpop(ctx, popped, max, count != -1);
            return Ok(());
        }
    }
    if !blocking::may_block(ctx.me) {
        ctx.out.null_array();
        return Ok(());
    }
    Err(CmdError::Block(crate::client::Blocked { db: ctx.me.db, keys: keys.to_vec(), deadline_ms, argv: argv.to_vec() }))
}

pub(super) fn bzpopmin(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bzpop_generic(ctx, argv, &argv[1..argv.len() - 1], false, argv.len() - 1, -1, false)
}

pub(super) fn bzpopmax(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bzpop_generic(ctx, argv, &argv[1..argv.len() - 1], true, argv.len() - 1, -1, false)
}

pub(super) fn zmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zmpop_generic(ctx, argv, 1, false)
}

pub(super) fn bzmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zmpop_generic(ctx, argv, 2, true)
}

/// `zmpopGenericCommand`: `numkeys key... MIN|MAX [COUNT n]`.
fn zmpop_generic(ctx: &mut Ctx, argv: &[Bytes], numkeys_idx: usize, block: bool) -> CmdResult {
    let numkeys = positive_nonzero(&argv[numkeys_idx], "ERR numkeys should be greater than 0")?;
    let where_idx = usize::try_from(numkeys).ok().and_then(|n| n.checked_add(numkeys_idx + 1)).filter(|&w| w < argv.len()).ok_or(SYNTAX)?;
    let max = if args::is(&argv[where_idx], "max") {
        true
    } else if args::is(&argv[where_idx], "min") {
        false
    } else {
        return Err(SYNTAX.into());
    };
    let mut count = -1;
    let mut j = where_idx + 1;
    while j < argv.len() {
        if count == -1 && args::is(&argv[j], "count") && j + 1 < argv.len() {
            j += 1;
            count = positive_nonzero(&argv[j], "ERR count should be greater than 0")?;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    let count = count.max(1);
    let keys = &argv[numkeys_idx + 1..where_idx];
    if block {
        bzpop_generic(ctx, argv, keys, max, 1, count, true)
    } else {
        let popped = zpop_generic(ctx, keys, max, true, count, true, true)?;
        propagate_zpop(ctx, popped, max, true);
        Ok(())
    }
}
