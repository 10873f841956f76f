//! Sorted-set commands (Redis 7.0's t_zset.c): ZADD/ZINCRBY, removal, the range family
//! (ZRANGE with BYSCORE/BYLEX/REV/LIMIT and its older spellings, ZRANGESTORE), ranks, pops and
//! their blocking forms, ZRANDMEMBER, the set operations (ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD)
//! and ZSCAN.
//!
//! Replies follow Redis's shapes per protocol: WITHSCORES is a flat member/score list in RESP2
//! and a list of [member, score] pairs in RESP3; scores are doubles (`%.17g`).

use std::collections::HashMap;

use bytes::Bytes;

use super::ctx::{Ctx, Handler};
use super::handler::{CmdError, CmdResult, NOT_FLOAT, SYNTAX, WRONGTYPE};
use super::{args, blocking};
use crate::db::zset::{listpack_score_text, zcmp, Iter, LexRange, ScoreRange};
use crate::db::{Elem, Entry, SetVal, Value, ZSet};
use crate::notify;
use crate::resp::reply::Out;
use crate::util::strtod::{parse_double, strtod};

pub const COMMANDS: &[(&str, Handler)] = &[
    ("zadd", zadd),
    ("zincrby", zincrby),
    ("zrem", zrem),
    ("zcard", zcard),
    ("zscore", zscore),
    ("zmscore", zmscore),
    ("zcount", zcount),
    ("zlexcount", zlexcount),
    ("zrank", zrank),
    ("zrevrank", zrevrank),
    ("zrange", zrange),
    ("zrangestore", zrangestore),
    ("zrevrange", zrevrange),
    ("zrangebyscore", zrangebyscore),
    ("zrevrangebyscore", zrevrangebyscore),
    ("zrangebylex", zrangebylex),
    ("zrevrangebylex", zrevrangebylex),
    ("zremrangebyrank", zremrangebyrank),
    ("zremrangebyscore", zremrangebyscore),
    ("zremrangebylex", zremrangebylex),
    ("zpopmin", zpopmin),
    ("zpopmax", zpopmax),
    ("bzpopmin", bzpopmin),
    ("bzpopmax", bzpopmax),
    ("zmpop", zmpop),
    ("bzmpop", bzmpop),
    ("zrandmember", zrandmember),
    ("zunion", zunion),
    ("zinter", zinter),
    ("zdiff", zdiff),
    ("zunionstore", zunionstore),
    ("zinterstore", zinterstore),
    ("zdiffstore", zdiffstore),
    ("zintercard", zintercard),
    ("zscan", zscan),
];

const MIN_MAX_NOT_FLOAT: &str = "ERR min or max is not a float";
const MIN_MAX_NOT_LEX: &str = "ERR min or max not valid string range item";

/// One end of a score range (`zslParseRange`): `(` makes it exclusive; the rest is strtod'd as a
/// C string.
fn parse_score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    let c = &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())];
    let (body, ex) = match c.first() {
        Some(b'(') => (&c[1..], true),
        _ => (c, false),
    };
    let (v, n, _) = strtod(body);
    if n != body.len() || v.is_nan() {
        return None;
    }
    Some((v, ex))
}

fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CmdError> {
    match (parse_score_bound(min), parse_score_bound(max)) {
        (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange { min, max, minex, maxex }),
        _ => Err(MIN_MAX_NOT_FLOAT.into()),
    }
}

fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, CmdError> {
    LexRange::parse(min, max).ok_or_else(|| MIN_MAX_NOT_LEX.into())
}

/// `getRangeLongFromObjectOrReply(1, LONG_MAX, msg)`: any failure replies `msg`.
fn positive_nonzero(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match crate::util::parse_i64(arg) {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(msg.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Key access and replies.

/// Looks a key up for reading (hit/miss stats, lazy expiry) and checks that it holds a zset.
fn zread<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<(Option<&'a ZSet>, &'a mut Out), CmdError> {
    ctx.read_typed(key, |v| match v {
        Value::ZSet(x) => Some(&**x),
        _ => None,
    })
}

/// Looks a key up for writing and checks that it holds a zset.
fn zwrite<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut ZSet>, CmdError> {
    match ctx.write_value(key, "zset")? {
        Some(e) => match &mut e.value {
            Value::ZSet(z) => Ok(Some(&mut **z)),
            _ => Err(WRONGTYPE.into()),
        },
        None => Ok(None),
    }
}

/// Members with optional scores: a flat list in RESP2, [member, score] pairs in RESP3.
fn reply_members<'a>(out: &mut Out, items: impl ExactSizeIterator<Item = (&'a [u8], f64)>, withscores: bool) {
    let resp3 = out.is_resp3();
    let n = items.len();
    out.array(if withscores && !resp3 { n * 2 } else { n });
    for (m, s) in items {
        if withscores && resp3 {
            out.array(2);
        }
        out.bulk(m);
        if withscores {
            out.double(s);
        }
    }
}

/// Stores a computed result at `dst` like Redis's *STORE commands: an empty result deletes the
/// key; otherwise the key is replaced (TTL dropped) with the encoding Redis would pick.
fn store_result(ctx: &mut Ctx, dst: &[u8], items: Vec<(Elem, f64)>, event: &str) {
    let n = items.len();
    if n == 0 {
        ctx.out.int(0);
        if ctx.delete(dst) {
            ctx.modified(dst);
            ctx.notify(notify::GENERIC, "del", dst);
            ctx.dirty(1);
        }
        return;
    }
    let lim = ctx.st.enc;
    let z = ZSet::from_sorted(items, &lim);
    ctx.exists(dst); // expires a stale key first, as Redis's lookup does
    ctx.db().insert(Entry::with_value(dst, Value::ZSet(Box::new(z))));
    ctx.modified(dst);
    ctx.out.int(n as i64);
    ctx.notify(notify::ZSET, event, dst);
    ctx.dirty(1);
    ctx.signal_ready(dst);
}

/// After removals: the event, the key's deletion when it emptied out, WATCH and dirty.
fn after_removal(ctx: &mut Ctx, key: &[u8], event: &str, removed: usize) {
    if removed == 0 {
        return;
    }
    ctx.modified(key);
    ctx.notify(notify::ZSET, event, key);
    ctx.delete_if_empty(key);
    ctx.dirty(removed as u64);
}

// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY / ZREM

fn zadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zadd_generic(ctx, argv, false)
}

fn zincrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

fn zrem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

// ---------------------------------------------------------------------------------------------
// Single-key reads

fn zcard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = zread(ctx, &argv[1])?;
    out.int(z.map_or(0, |z| z.len()) as i64);
    Ok(())
}

fn zscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = zread(ctx, &argv[1])?;
    match z.and_then(|z| z.score(&argv[2])) {
        Some(s) => out.double(s),
        None => out.null(),
    }
    Ok(())
}

fn zmscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = zread(ctx, &argv[1])?;
    out.array(argv.len() - 2);
    for m in &argv[2..] {
        match z.and_then(|z| z.score(m)) {
            Some(s) => out.double(s),
            None => out.null(),
        }
    }
    Ok(())
}

fn zrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrank_generic(ctx, argv, false)
}

fn zrevrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrank_generic(ctx, argv, true)
}

fn zrank_generic(ctx: &mut Ctx, argv: &[Bytes], rev: bool) -> CmdResult {
    let (z, out) = zread(ctx, &argv[1])?;
    match z.and_then(|z| z.rank(&argv[2]).map(|r| if rev { z.len() - 1 - r } else { r })) {
        Some(r) => out.int(r as i64),
        None => out.null(),
    }
    Ok(())
}

fn zcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let range = parse_score_range(&argv[2], &argv[3])?;
    let (z, out) = zread(ctx, &argv[1])?;
    let n = z.map_or(0, |z| {
        let (lo, hi) = z.score_span(&range);
        hi - lo
    });
    out.int(n as i64);
    Ok(())
}

fn zlexcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let range = parse_lex_range(&argv[2], &argv[3])?;
    let (z, out) = zread(ctx, &argv[1])?;
    let n = z.map_or(0, |z| z.lex_first(&range).map_or(0, |first| z.lex_run_end(first, &range) - first));
    out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The range family

#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeKind {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Auto,
    Forward,
    Reverse,
}

/// A parsed range request.
enum Bounds {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// The ranks a range query emits: `n` members from `first`, walking up or (`rev`) down.
#[derive(Clone, Copy)]
struct Span {
    first: usize,
    n: usize,
    rev: bool,
}

impl Span {
    const EMPTY: Span = Span { first: 0, n: 0, rev: false };

    /// The members in emission order.
    fn walk<'a>(&self, z: &'a ZSet) -> Iter<'a> {
        if self.rev {
            z.range(self.first + 1 - self.n.min(self.first + 1), self.first + 1)
        } else {
            z.range(self.first, self.first + self.n)
        }
    }
}

/// Rank range (`genericZrangebyrankCommand`): indexes count from the end when `rev`.
fn rank_span(len: usize, start: i64, end: i64, rev: bool) -> Span {
    let llen = len as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return Span::EMPTY;
    }
    if end >= llen {
        end = llen - 1;
    }
    let n = (end - start + 1) as usize;
    if rev {
        Span { first: (llen - 1 - start) as usize, n, rev }
    } else {
        Span { first: start as usize, n, rev }
    }
}

/// Applies LIMIT's count (negative = no limit).
fn cap(n: usize, limit: i64) -> usize {
    if limit < 0 {
        n
    } else {
        n.min(limit as usize)
    }
}

/// Score range with LIMIT (`genericZrangebyscoreCommand`). A negative offset walks off the end.
fn score_span(z: &ZSet, r: &ScoreRange, offset: i64, limit: i64, rev: bool) -> Span {
    if offset < 0 || offset > 0 && offset as u64 >= z.len() as u64 {
        return Span::EMPTY;
    }
    let offset = offset as usize;
    let (lo, hi) = z.score_span(r);
    if rev {
        match (hi - lo).checked_sub(offset + 1) {
            Some(room) => Span { first: hi - 1 - offset, n: cap(room + 1, limit), rev },
            None => Span::EMPTY,
        }
    } else if lo + offset < hi {
        Span { first: lo + offset, n: cap(hi - lo - offset, limit), rev }
    } else {
        Span::EMPTY
    }
}

/// Lex range with LIMIT (`genericZrangebylexCommand`): from the first member in range, skip
/// `offset`, then emit while the members stay inside the far end.
fn lex_span(z: &ZSet, r: &LexRange, offset: i64, limit: i64, rev: bool) -> Span {
    if offset < 0 {
        return Span::EMPTY;
    }
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    if rev {
        let Some(last) = z.lex_last(r) else { return Span::EMPTY };
        let Some(top) = last.checked_sub(offset) else { return Span::EMPTY };
        let bottom = z.lex_run_start(top, r);
        Span { first: top, n: cap(top + 1 - bottom, limit), rev }
    } else {
        let Some(first) = z.lex_first(r) else { return Span::EMPTY };
        let Some(start) = first.checked_add(offset).filter(|&s| s < z.len()) else { return Span::EMPTY };
        Span { first: start, n: cap(z.lex_run_end(start, r) - start, limit), rev }
    }
}

fn zrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Auto, Direction::Auto)
}

fn zrangestore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 2, Some(&argv[1]), RangeKind::Auto, Direction::Auto)
}

fn zrevrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Rank, Direction::Reverse)
}

fn zrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Score, Direction::Forward)
}

fn zrevrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Score, Direction::Reverse)
}

fn zrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Lex, Direction::Forward)
}

fn zrevrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Lex, Direction::Reverse)
}

/// `zrangeGenericCommand`: option parsing and checks in Redis's order, then the range.
fn zrange_generic(ctx: &mut Ctx, argv: &[Bytes], at: usize, store: Option<&Bytes>, mut kind: RangeKind, mut dir: Direction) -> CmdResult {
    let key = &argv[at];
    let (mut minidx, mut maxidx) = (at + 1, at + 2);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = at + 3;
    while j < argv.len() {
        let a = &argv[j];
        let left = argv.len() - j - 1;
        if store.is_none() && args::is(a, "withscores") {
            withscores = true;
        } else if args::is(a, "limit") && left >= 2 {
            offset = args::int(&argv[j + 1])?;
            limit = args::int(&argv[j + 2])?;
            j += 2;
        } else if dir == Direction::Auto && args::is(a, "rev") {
            dir = Direction::Reverse;
        } else if kind == RangeKind::Auto && args::is(a, "bylex") {
            kind = RangeKind::Lex;
        } else if kind == RangeKind::Auto && args::is(a, "byscore") {
            kind = RangeKind::Score;
        } else {
            return Err(SYNTAX.into());
        }
        j += 1;
    }
    let rev = dir == Direction::Reverse;
    if kind == RangeKind::Auto {
        kind = RangeKind::Rank;
    }
    if limit != -1 && kind == RangeKind::Rank {
        return Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX".into());
    }
    if withscores && kind == RangeKind::Lex {
        return Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX".into());
    }
    if rev && kind != RangeKind::Rank {
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    let bounds = match kind {
        RangeKind::Score => Bounds::Score(parse_score_range(&argv[minidx], &argv[maxidx])?),
        RangeKind::Lex => Bounds::Lex(parse_lex_range(&argv[minidx], &argv[maxidx])?),
        _ => Bounds::Rank(args::int(&argv[minidx])?, args::int(&argv[maxidx])?),
    };
    let (z, out) = zread(ctx, key)?;
    let span = match z {
        None => Span::EMPTY,
        Some(z) => match &bounds {
            Bounds::Rank(s, e) => rank_span(z.len(), *s, *e, rev),
            Bounds::Score(r) => score_span(z, r, offset, limit, rev),
            Bounds::Lex(r) => lex_span(z, r, offset, limit, rev),
        },
    };
    match (store, z) {
        (None, None) => out.array(0),
        (None, Some(z)) if span.rev => reply_members(out, span.walk(z).rev(), withscores),
        (None, Some(z)) => reply_members(out, span.walk(z), withscores),
        (Some(dst), z) => {
            let items: Vec<(Elem, f64)> = z.map_or_else(Vec::new, |z| span.walk(z).map(|(m, s)| (Elem::from(m), s)).collect());
            store_result(ctx, dst, items, "zrangestore");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBY*

fn zremrangebyrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = args::int(&argv[2])?;
    let end = args::int(&argv[3])?;
    zremrange_generic(ctx, &argv[1], Bounds::Rank(start, end), "zremrangebyrank")
}

fn zremrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let r = parse_score_range(&argv[2], &argv[3])?;
    zremrange_generic(ctx, &argv[1], Bounds::Score(r), "zremrangebyscore")
}

fn zremrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let r = parse_lex_range(&argv[2], &argv[3])?;
    zremrange_generic(ctx, &argv[1], Bounds::Lex(r), "zremrangebylex")
}

fn zremrange_generic(ctx: &mut Ctx, key: &[u8], bounds: Bounds, event: &str) -> CmdResult {
    let Some(z) = zwrite(ctx, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let (start, end) = match &bounds {
        Bounds::Rank(s, e) => {
            let span = rank_span(z.len(), *s, *e, false);
            (span.first, span.first + span.n)
        }
        Bounds::Score(r) => z.score_span(r),
        Bounds::Lex(r) => match z.lex_first(r) {
            Some(first) => (first, z.lex_run_end(first, r)),
            None => (0, 0),
        },
    };
    let removed = z.remove_range(start, end);
    after_removal(ctx, key, event, removed);
    ctx.out.int(removed as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pops

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

fn zpopmin(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zpop_cmd(ctx, argv, false)
}

fn zpopmax(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

fn bzpopmin(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bzpop_generic(ctx, argv, &argv[1..argv.len() - 1], false, argv.len() - 1, -1, false)
}

fn bzpopmax(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bzpop_generic(ctx, argv, &argv[1..argv.len() - 1], true, argv.len() - 1, -1, false)
}

fn zmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zmpop_generic(ctx, argv, 1, false)
}

fn bzmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

/// Beyond count * this the unique sampling removes random members from a copy instead.
const ZRANDMEMBER_SUB_STRATEGY_MUL: u64 = 3;

fn zrandmember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

// ---------------------------------------------------------------------------------------------
// Set operations

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

fn zunion(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Union, false)
}

fn zinter(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, false)
}

fn zdiff(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Diff, false)
}

fn zunionstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Union, false)
}

fn zinterstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Inter, false)
}

fn zdiffstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Diff, false)
}

fn zintercard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, true)
}

/// `zunionInterDiffGenericCommand`.
fn zsetop_generic(ctx: &mut Ctx, argv: &[Bytes], dst: Option<&Bytes>, numkeys_idx: usize, op: SetOp, card_only: bool) -> CmdResult {
    let setnum = args::int(&argv[numkeys_idx])?;
    if setnum < 1 {
        return Err(format!("ERR at least 1 input key is needed for '{}' command", super::handler::lower(&argv[0])).into());
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

// ---------------------------------------------------------------------------------------------
// ZSCAN

fn zscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = super::keys::parse_cursor(&argv[2])?;
    let (z, out) = zread(ctx, &argv[1])?;
    let Some(z) = z else {
        out.array(2);
        out.bulk(b"0");
        out.array(0);
        return Ok(());
    };
    let opts = super::keys::parse_scan_opts(&argv[3..], false)?;
    let small = matches!(z, ZSet::Small(_));
    let mut items: Vec<(Vec<u8>, String)> = Vec::new();
    let next = z.scan(cursor, opts.count, |m, s| {
        if opts.pattern.as_ref().is_none_or(|p| crate::util::glob_match(p, m, false)) {
            let text = if small { listpack_score_text(s) } else { crate::util::fmt_double(s) };
            items.push((m.to_vec(), text));
        }
    });
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(items.len() * 2);
    for (m, s) in &items {
        out.bulk(m);
        out.bulk(s.as_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtod_like_c() {
        assert_eq!(parse_double(b"1.5"), Some(1.5));
        assert_eq!(parse_double(b"0x10"), Some(16.0));
        assert_eq!(parse_double(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_double(b"+Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_double(b"1e400"), None);
        assert_eq!(parse_double(b"1e-400"), None);
        assert_eq!(parse_double(b" 1"), None);
        assert_eq!(parse_double(b"1 "), None);
        assert_eq!(parse_double(b"nan"), None);
        assert_eq!(parse_double(b""), None);
        assert_eq!(parse_double(b"1e"), None);
        assert_eq!(parse_double(b"5."), Some(5.0));
        assert_eq!(parse_double(b".5"), Some(0.5));
        assert_eq!(parse_double(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_score_bound(b""), Some((0.0, false)));
        assert_eq!(parse_score_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_score_bound(b" (1"), None);
        assert_eq!(parse_score_bound(b"( 1"), Some((1.0, true)));
        assert_eq!(parse_score_bound(b"(1e400"), Some((f64::INFINITY, true)));
        assert_eq!(parse_score_bound(b"1\0junk"), Some((1.0, false)));
        assert_eq!(parse_score_bound(b"abc"), None);
        assert_eq!(parse_score_bound(b"nan"), None);
    }

    #[test]
    fn rank_spans() {
        let s = rank_span(5, 0, -1, false);
        assert_eq!((s.first, s.n), (0, 5));
        let s = rank_span(5, 1, 2, true);
        assert_eq!((s.first, s.n), (3, 2));
        let s = rank_span(5, 3, 1, false);
        assert_eq!(s.n, 0);
        let s = rank_span(5, -100, 100, false);
        assert_eq!((s.first, s.n), (0, 5));
    }
}
