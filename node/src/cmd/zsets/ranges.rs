//! The range family: ZRANGE (BYSCORE/BYLEX/REV/LIMIT) and its older spellings (ZREVRANGE,
//! ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX), ZRANGESTORE, and the removals by
//! range (ZREMRANGEBYRANK/BYSCORE/BYLEX); with the parsing of score and lex range arguments,
//! which ZCOUNT and ZLEXCOUNT share.

use bytes::Bytes;

use super::{after_removal, reply_members, store_result, zread, zwrite};
use crate::cmd::args;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::{CmdError, CmdResult, SYNTAX};
use crate::db::zset::{Iter, LexRange, ScoreRange};
use crate::db::{Elem, ZSet};
use crate::util::strtod::strtod;

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

pub(super) fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CmdError> {
    match (parse_score_bound(min), parse_score_bound(max)) {
        (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange { min, max, minex, maxex }),
        _ => Err(MIN_MAX_NOT_FLOAT.into()),
    }
}

pub(super) fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, CmdError> {
    LexRange::parse(min, max).ok_or_else(|| MIN_MAX_NOT_LEX.into())
}

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

pub(super) fn zrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Auto, Direction::Auto)
}

pub(super) fn zrangestore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 2, Some(&argv[1]), RangeKind::Auto, Direction::Auto)
}

pub(super) fn zrevrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Rank, Direction::Reverse)
}

pub(super) fn zrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Score, Direction::Forward)
}

pub(super) fn zrevrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Score, Direction::Reverse)
}

pub(super) fn zrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeKind::Lex, Direction::Forward)
}

pub(super) fn zrevrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

pub(super) fn zremrangebyrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = args::int(&argv[2])?;
    let end = args::int(&argv[3])?;
    zremrange_generic(ctx, &argv[1], Bounds::Rank(start, end), "zremrangebyrank")
}

pub(super) fn zremrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let r = parse_score_range(&argv[2], &argv[3])?;
    zremrange_generic(ctx, &argv[1], Bounds::Score(r), "zremrangebyscore")
}

pub(super) fn zremrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::strtod::parse_double;

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
