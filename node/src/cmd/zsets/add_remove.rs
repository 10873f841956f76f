//! Writing members: ZADD (NX/XX/GT/LT/CH/INCR), ZINCRBY (ZADD with INCR preset) and ZREM.

use bytes::Bytes;

use super::{after_removal, zwrite};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdResult, NOT_FLOAT, SYNTAX};
use crate::db::Value;
use crate::notify;
use crate::resp::reply::Out;
use crate::util::strtod::parse_double;

pub(super) fn zadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zadd_generic(ctx, argv, false)
}

pub(super) fn zincrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zadd_generic(ctx, argv, true)
}

/// ZADD and ZINCRBY (which is ZADD with INCR preset, options included, as in Redis).
fn zadd_generic(ctx: &mut Ctx, argv: &[Bytes], mut incr: bool) -> CmdResult {
    let key = &argv[1];
    let (mut nx, mut xx, mut gt, mut lt, mut ch) = (false, false, false, false, false);
    let mut i = 2;
    while i < argv.len() {
        let a = &argv[i];
        if args::is(a, "nx") {
            nx = true;
        } else if args::is(a, "xx") {
            xx = true;
        } else if args::is(a, "ch") {
            ch = true;
        } else if args::is(a, "incr") {
            incr = true;
        } else if args::is(a, "gt") {
            gt = true;
        } else if args::is(a, "lt") {
            lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let rest = argv.len() - i;
    if rest % 2 != 0 || rest == 0 {
        return Err(SYNTAX.into());
    }
    let pairs = rest / 2;
    if nx && xx {
        return Err("ERR XX and NX options at the same time are not compatible".into());
    }
    if (gt || lt) && nx || gt && lt {
        return Err("ERR GT, LT, and/or NX options at the same time are not compatible".into());
    }
    if incr && pairs > 1 {
        return Err("ERR INCR option supports a single increment-element pair".into());
    }
    let mut scores = Vec::with_capacity(pairs);
    for j in 0..pairs {
        scores.push(parse_double(&argv[i + 2 * j]).ok_or(NOT_FLOAT)?);
    }
    let lim = ctx.st.enc;
    let exists = zwrite(ctx, key)?.is_some();
    if !exists && xx {
        reply_zadd(ctx.out, incr, ch, 0, 0, None);
        return Ok(());
    }
    if !exists {
        ctx.write_or_create(key, "zset", || Value::ZSet(Box::default()))?;
    }
    let Some(z) = zwrite(ctx, key)? else { return Err("ERR internal error: key vanished".into()) };
    let (mut added, mut updated) = (0usize, 0usize);
    let mut result = None;
    let mut nan = false;
    for (j, &incr_or_score) in scores.iter().enumerate() {
        let m = &argv[i + 1 + 2 * j];
        let mut score = incr_or_score;
        match z.score(m) {
            Some(cur) => {
                if nx {
                    continue;
                }
                if incr {
                    score += cur;
                    if score.is_nan() {
                        nan = true;
                        break;
                    }
                }
                if lt && score >= cur || gt && score <= cur {
                    continue;
                }
                result = Some(score);
                if score != cur {
                    z.insert(m, score, &lim);
                    updated += 1;
                }
            }
            None if xx => continue,
            None => {
                z.insert(m, score, &lim);
                added += 1;
                result = Some(score);
            }
        }
    }
    if nan {
        return Err("ERR resulting score is not a number (NaN)".into());
    }
    ctx.dirty((added + updated) as u64);
    reply_zadd(ctx.out, incr, ch, added, updated, result);
    if added + updated > 0 {
        ctx.modified(key);
        ctx.notify(notify::ZSET, if incr { "zincr" } else { "zadd" }, key);
    }
    if added > 0 {
        ctx.signal_ready(key);
    }
    Ok(())
}

fn reply_zadd(out: &mut Out, incr: bool, ch: bool, added: usize, updated: usize, result: Option<f64>) {
    if incr {
        match result {
            Some(s) => out.double(s),
            None => out.null(),
        }
    } else {
        out.int((if ch { added + updated } else { added }) as i64);
    }
}

pub(super) fn zrem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let Some(z) = zwrite(ctx, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let mut deleted = 0;
    for m in &argv[2..] {
        if z.remove(m) {
            deleted += 1;
        }
        if z.is_empty() {
            break;
        }
    }
    after_removal(ctx, key, "zrem", deleted);
    ctx.out.int(deleted as i64);
    Ok(())
}
