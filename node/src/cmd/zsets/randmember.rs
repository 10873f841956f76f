//! ZRANDMEMBER: one random member, or COUNT members (distinct when positive, with repetitions
//! when negative), in the order Redis's sampling strategies give them.

use bytes::Bytes;

use super::zread;
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdResult, SYNTAX};
use crate::db::{Entry, Value, ZSet};
use crate::resp::reply::Out;

/// Beyond count * this the unique sampling removes random members from a copy instead.
const ZRANDMEMBER_SUB_STRATEGY_MUL: u64 = 3;

pub(super) fn zrandmember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() >= 3 {
        let l = args::int(&argv[2])?;
        if l == i64::MIN {
            return Err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807".into());
        }
        if argv.len() > 4 || argv.len() == 4 && !args::is(&argv[3], "withscores") {
            return Err(SYNTAX.into());
        }
        let withscores = argv.len() == 4;
        if withscores && !(i64::MIN / 2..=i64::MAX / 2).contains(&l) {
            return Err("ERR value is out of range".into());
        }
        return zrandmember_count(ctx, &argv[1], l, withscores);
    }
    if zread(ctx, &argv[1])?.0.is_none() {
        ctx.out.null();
        return Ok(());
    }
    let (i, now) = (ctx.me.db, ctx.now);
    let st = &mut *ctx.st;
    let Some(Entry { value: Value::ZSet(z), .. }) = st.dbs[i].peek(&argv[1], now) else { return Ok(()) };
    match z.random(&mut st.rng) {
        Some((m, _)) => ctx.out.bulk(m),
        None => ctx.out.null(),
    }
    Ok(())
}

fn zrandmember_count(ctx: &mut Ctx, key: &[u8], l: i64, withscores: bool) -> CmdResult {
    if zread(ctx, key)?.0.is_none() {
        ctx.out.array(0);
        return Ok(());
    }
    let (i, now) = (ctx.me.db, ctx.now);
    let st = &mut *ctx.st;
    let out = &mut *ctx.out;
    let Some(Entry { value: Value::ZSet(z), .. }) = st.dbs[i].peek(key, now) else { return Ok(()) };
    let rng = &mut st.rng;
    let size = z.len() as u64;
    let (count, uniq) = if l >= 0 { (l as u64, true) } else { (l.unsigned_abs(), false) };
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    let resp3 = out.is_resp3();
    let emit = |out: &mut Out, m: &[u8], s: f64| {
        if withscores && resp3 {
            out.array(2);
        }
        out.bulk(m);
        if withscores {
            out.double(s);
        }
    };
    let header = |out: &mut Out, n: u64| out.array(if withscores && !resp3 { n as usize * 2 } else { n as usize });
    // Case 1: repetitions allowed (or a single member): independent draws.
    if !uniq || count == 1 {
        header(out, count);
        for _ in 0..count {
            if let Some((m, s)) = z.random(rng) {
                emit(out, m, s);
            }
        }
        return Ok(());
    }
    // Case 2: the whole set, in Redis's iteration order (highest first).
    if count >= size {
        header(out, size);
        for (m, s) in z.iter().rev() {
            emit(out, m, s);
        }
        return Ok(());
    }
    header(out, count);
    let count = count as usize;
    let size = size as usize;
    let picks: Vec<usize> = if count as u64 * ZRANDMEMBER_SUB_STRATEGY_MUL > size as u64 {
        // Case 3: drop random members from a copy until `count` remain.
        let mut ranks: Vec<usize> = (0..size).collect();
        while ranks.len() > count {
            let k = rng.below(ranks.len());
            ranks.swap_remove(k);
        }
        ranks
    } else {
        // Case 4: distinct random draws (a listpack yields them in order).
        let mut seen = std::collections::HashSet::with_capacity(count);
        let mut v = Vec::with_capacity(count);
        while v.len() < count {
            let r = rng.below(size);
            if seen.insert(r) {
                v.push(r);
            }
        }
        if matches!(**z, ZSet::Small(_)) {
            v.sort_unstable();
        }
        v
    };
    for r in picks {
        if let Some((m, s)) = z.get(r) {
            emit(out, m, s);
        }
    }
    Ok(())
}
