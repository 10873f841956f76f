//! Single-key reads that answer a count, a score or a rank: ZCARD, ZSCORE, ZMSCORE,
//! ZRANK/ZREVRANK, ZCOUNT (by score) and ZLEXCOUNT (by lex).

use bytes::Bytes;

use super::ranges::{parse_lex_range, parse_score_range};
use super::zread;
use crate::cmd::ctx::Ctx;
use crate::cmd::handler::CmdResult;

pub(super) fn zcard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = zread(ctx, &argv[1])?;
    out.int(z.map_or(0, |z| z.len()) as i64);
    Ok(())
}

pub(super) fn zscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (z, out) = zread(ctx, &argv[1])?;
    match z.and_then(|z| z.score(&argv[2])) {
        Some(s) => out.double(s),
        None => out.null(),
    }
    Ok(())
}

pub(super) fn zmscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

pub(super) fn zrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrank_generic(ctx, argv, false)
}

pub(super) fn zrevrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
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

pub(super) fn zcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let range = parse_score_range(&argv[2], &argv[3])?;
    let (z, out) = zread(ctx, &argv[1])?;
    let n = z.map_or(0, |z| {
        let (lo, hi) = z.score_span(&range);
        hi - lo
    });
    out.int(n as i64);
    Ok(())
}

pub(super) fn zlexcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let range = parse_lex_range(&argv[2], &argv[3])?;
    let (z, out) = zread(ctx, &argv[1])?;
    let n = z.map_or(0, |z| z.lex_first(&range).map_or(0, |first| z.lex_run_end(first, &range) - first));
    out.int(n as i64);
    Ok(())
}
