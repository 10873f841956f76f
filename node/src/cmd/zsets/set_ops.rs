//! Set operations over sorted sets and plain sets: ZUNION, ZINTER, ZDIFF, their *STORE forms
//! (WEIGHTS, AGGREGATE, WITHSCORES) and ZINTERCARD (LIMIT).

use std::collections::HashMap;

use bytes::Bytes;

use super::{reply_members, store_result};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdResult, SYNTAX, WRONGTYPE};
use crate::db::zset::zcmp;
use crate::db::{Elem, SetVal, Value, ZSet};
use crate::util::strtod::parse_double;

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// `zunionInterAggregate`: a sum that comes out NaN (inf + -inf) counts as 0.
fn aggregate(target: &mut f64, val: f64, agg: Aggregate) {
    match agg {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// An input of a set operation: a sorted set, a plain set (every member scores 1), or nothing.
#[derive(Clone, Copy)]
enum Source<'a> {
    Missing,
    Z(&'a ZSet),
    S(&'a SetVal),
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Source::Missing => 0,
            Source::Z(z) => z.len(),
            Source::S(s) => s.len(),
        }
    }

    fn find(&self, m: &[u8]) -> Option<f64> {
        match self {
            Source::Missing => None,
            Source::Z(z) => z.score(m),
            Source::S(s) => s.contains(m).then_some(1.0),
        }
    }

    fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        match self {
            Source::Missing => {}
            Source::Z(z) => {
                for (m, s) in z.iter().rev() {
                    f(m, s);
                }
            }
            Source::S(s) => {
                for m in s.iter() {
                    match m {
                        crate::db::set::Member::Bytes(b) => f(b, 1.0),
                        crate::db::set::Member::Int(n) => f(n.to_string().as_bytes(), 1.0),
                    }
                }
            }
        }
    }
}

pub(super) fn zunion(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Union, false)
}

pub(super) fn zinter(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, false)
}

pub(super) fn zdiff(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Diff, false)
}

pub(super) fn zunionstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Union, false)
}

pub(super) fn zinterstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Inter, false)
}

pub(super) fn zdiffstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Diff, false)
}

pub(super) fn zintercard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, true)
}

/// `zunionInterDiffGenericCommand`.
fn zsetop_generic(ctx: &mut Ctx, argv: &[Bytes], dst: Option<&Bytes>, numkeys_idx: usize, op: SetOp, card_only: bool) -> CmdResult {
    let setnum = args::int(&argv[numkeys_idx])?;
    if setnum < 1 {
        return Err(format!("ERR at least 1 input key is needed for '{}' command", crate::cmd::handler::lower(&argv[0])).into());
    }
    let first_key = numkeys_idx + 1;
    if setnum > (argv.len() - first_key) as i64 {
        return Err(SYNTAX.into());
    }
    let setnum = setnum as usize;
    let keys = &argv[first_key..first_key + setnum];
    for k in keys {
        let e = if dst.is_some() { ctx.lookup_write(k) } else { ctx.lookup_read(k) };
        if e.is_some_and(|e| !matches!(e.value, Value::ZSet(_) | Value::Set(_))) {
            return Err(WRONGTYPE.into());
        }
    }
    let mut weights = vec![1.0; setnum];
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = first_key + setnum;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let a = &argv[j];
        if op != SetOp::Diff && !card_only && remaining > setnum && args::is(a, "weights") {
            for (w, arg) in weights.iter_mut().zip(&argv[j + 1..j + 1 + setnum]) {
                *w = parse_double(arg).ok_or("ERR weight value is not a float")?;
            }
            j += 1 + setnum;
        } else if op != SetOp::Diff && !card_only && remaining >= 2 && args::is(a, "aggregate") {
            let v = &argv[j + 1];
            agg = if args::is(v, "sum") {
                Aggregate::Sum
            } else if args::is(v, "min") {
                Aggregate::Min
            } else if args::is(v, "max") {
                Aggregate::Max
            } else {
                return Err(SYNTAX.into());
            };
            j += 2;
        } else if dst.is_none() && !card_only && args::is(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && args::is(a, "limit") {
            limit = match crate::util::parse_i64(&argv[j + 1]) {
                Some(n) if n >= 0 => n as usize,
                _ => return Err("ERR LIMIT can't be negative".into()),
            };
            j += 2;
        } else {
            return Err(SYNTAX.into());
        }
    }

    let (i, now) = (ctx.me.db, ctx.now);
    let db = &ctx.st.dbs[i];
    let mut srcs: Vec<(Source, f64)> = keys
        .iter()
        .zip(&weights)
        .map(|(k, &w)| {
            let src = match db.peek(k, now).map(|e| &e.value) {
                Some(Value::ZSet(z)) => Source::Z(z),
                Some(Value::Set(s)) => Source::S(s),
                _ => Source::Missing,
            };
            (src, w)
        })
        .collect();
    if op != SetOp::Diff {
        srcs.sort_by_key(|(s, _)| s.len());
    }
    let mut result: Vec<(Elem, f64)> = Vec::new();
    let mut card = 0usize;
    match op {
        SetOp::Inter => {
            let (first, w0) = srcs[0];
            let mut done = false;
            first.for_each(|m, s| {
                if done {
                    return;
                }
                let mut score = w0 * s;
                if score.is_nan() {
                    score = 0.0;
                }
                for (src, w) in &srcs[1..] {
                    match src.find(m) {
                        Some(v) => aggregate(&mut score, v * w, agg),
                        None => return,
                    }
                }
                if card_only {
                    card += 1;
                    done = limit != 0 && card >= limit;
                } else {
                    result.push((m.into(), score));
                }
            });
        }
        SetOp::Union => {
            let mut acc: HashMap<Elem, f64> = HashMap::with_capacity(srcs.last().map_or(0, |(s, _)| s.len()));
            for (src, w) in &srcs {
                src.for_each(|m, s| {
                    let mut score = w * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.get_mut(m) {
                        Some(t) => aggregate(t, score, agg),
                        None => {
                            acc.insert(m.into(), score);
                        }
                    }
                });
            }
            result = acc.into_iter().collect();
        }
        SetOp::Diff => {
            let (first, _) = srcs[0];
            first.for_each(|m, s| {
                if srcs[1..].iter().all(|(src, _)| src.find(m).is_none()) {
                    result.push((m.into(), s));
                }
            });
        }
    }
    result.sort_by(|a, b| zcmp((a.1, &a.0), (b.1, &b.0)));

    if let Some(dst) = dst {
        let event = match op {
            SetOp::Union => "zunionstore",
            SetOp::Inter => "zinterstore",
            SetOp::Diff => "zdiffstore",
        };
        store_result(ctx, dst, result, event);
    } else if card_only {
        ctx.out.int(card as i64);
    } else {
        reply_members(ctx.out, result.iter().map(|(m, s)| (&**m, *s)), withscores);
    }
    Ok(())
}
