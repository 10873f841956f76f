//! The `listpack` encoding of a small sorted set: a vector of (member, score) sorted by score, then
//! member, searched linearly as Redis walks its listpack. Also how a listpack stores a score: an
//! integral score as an integer ([`listpack_score_text`], which is also what ZSCAN and the RDB
//! listpack show), so `-0` reads back as `0`.

use std::cmp::Ordering;

use super::{zcmp, LexRange};
use crate::db::types::EncodingLimits;
use crate::db::Elem;

/// A listpack stores integral scores as integers, so `-0` reads back as `0`.
pub(super) fn lp_norm(score: f64) -> f64 {
    if score == 0.0 {
        0.0
    } else {
        score
    }
}

/// The text a listpack holds for a score (what ZSCAN shows for a small zset): an integer when the
/// score is integral and within ±LLONG_MAX/2 (Redis's `double2ll`), else `%.17g`.
pub fn listpack_score_text(score: f64) -> String {
    const LIM: f64 = (i64::MAX / 2) as f64;
    if score.is_finite() && (-LIM..=LIM).contains(&score) && score.fract() == 0.0 {
        return (score as i64).to_string();
    }
    crate::util::fmt_double(score)
}

/// Members sorted in ascending order without duplicates, with the scores a listpack holds.
pub(super) fn from_sorted(items: Vec<(Elem, f64)>) -> Vec<(Elem, f64)> {
    items.into_iter().map(|(m, s)| (m, lp_norm(s))).collect()
}

/// The score of a member.
pub(super) fn score(v: &[(Elem, f64)], m: &[u8]) -> Option<f64> {
    v.iter().find(|(x, _)| &**x == m).map(|(_, s)| *s)
}

/// 0-based rank of a member in ascending order.
pub(super) fn rank(v: &[(Elem, f64)], m: &[u8]) -> Option<usize> {
    v.iter().position(|(x, _)| &**x == m)
}

/// Inserts or updates a member's score; returns true if the member is new. None when a new member
/// does not fit the listpack limits (nothing changed: the caller converts to a skiplist).
pub(super) fn insert(v: &mut Vec<(Elem, f64)>, m: &[u8], score: f64, lim: &EncodingLimits) -> Option<bool> {
    if let Some(i) = v.iter().position(|(x, _)| &**x == m) {
        let (elem, _) = v.remove(i);
        let score = lp_norm(score);
        let pos = v.partition_point(|(x, s)| zcmp((*s, x), (score, m)) == Ordering::Less);
        v.insert(pos, (elem, score));
        return Some(false);
    }
    if v.len() < lim.zset_max_entries && m.len() <= lim.zset_max_value {
        let score = lp_norm(score);
        let pos = v.partition_point(|(x, s)| zcmp((*s, x), (score, m)) == Ordering::Less);
        v.insert(pos, (m.into(), score));
        return Some(true);
    }
    None
}

/// Removes a member; returns whether it was there.
pub(super) fn remove(v: &mut Vec<(Elem, f64)>, m: &[u8]) -> bool {
    match v.iter().position(|(x, _)| &**x == m) {
        Some(i) => {
            v.remove(i);
            true
        }
        None => false,
    }
}

/// Number of leading members for which `pred` holds (a prefix property of the order).
pub(super) fn prefix_len(v: &[(Elem, f64)], pred: impl Fn(f64, &[u8]) -> bool) -> usize {
    v.partition_point(|(m, s)| pred(*s, m))
}

/// Rank of the first member not below the lex range's lower end, scanning in order (so mixed
/// scores behave exactly as in Redis's `zzlFirstInLexRange`).
pub(super) fn lex_first_from_min(v: &[(Elem, f64)], r: &LexRange) -> Option<usize> {
    v.iter().position(|(m, _)| r.gte_min(m))
}

/// Rank of the last member not above the lex range's upper end (`zzlLastInLexRange`'s scan).
pub(super) fn lex_last_from_max(v: &[(Elem, f64)], r: &LexRange) -> Option<usize> {
    v.iter().rposition(|(m, _)| r.lte_max(m))
}

/// From `start`, the end (exclusive) of the run of members that stay `<= max`.
pub(super) fn lex_run_end(v: &[(Elem, f64)], start: usize, r: &LexRange) -> usize {
    start + v.get(start..).map_or(0, |t| t.iter().take_while(|(m, _)| r.lte_max(m)).count())
}

/// Walking down from `top`, the lowest rank of the run of members that stay `>= min`.
pub(super) fn lex_run_start(v: &[(Elem, f64)], top: usize, r: &LexRange) -> usize {
    top + 1 - v.get(..=top).map_or(0, |t| t.iter().rev().take_while(|(m, _)| r.gte_min(m)).count())
}

/// Removes and returns the first (or, with `max`, the last) member.
pub(super) fn pop(v: &mut Vec<(Elem, f64)>, max: bool) -> Option<(Elem, f64)> {
    if v.is_empty() {
        None
    } else if max {
        v.pop()
    } else {
        Some(v.remove(0))
    }
}

/// ZSCAN step: the whole listpack in one call, as Redis does (the next cursor is 0).
pub(super) fn scan(v: &[(Elem, f64)], mut f: impl FnMut(&[u8], f64)) -> u64 {
    for (m, s) in v {
        f(m, *s);
    }
    0
}

/// Approximate heap bytes (MEMORY USAGE).
pub(super) fn mem_usage(v: &Vec<(Elem, f64)>) -> usize {
    v.iter().map(|(m, _)| m.len() + 24).sum::<usize>() + v.capacity() * 24
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::zset::ZSet;

    #[test]
    fn listpack_normalizes_negative_zero() {
        let lim = EncodingLimits::default();
        let mut z = ZSet::default();
        z.insert(b"a", -0.0, &lim);
        assert!(z.score(b"a").is_some_and(|s| s.is_sign_positive()));
        z.convert();
        z.insert(b"b", -0.0, &lim);
        assert!(z.score(b"b").is_some_and(|s| s.is_sign_negative()));
        assert_eq!(listpack_score_text(1e17), "100000000000000000");
        assert_eq!(listpack_score_text(5e18), "5e+18");
        assert_eq!(listpack_score_text(1.5), "1.5");
    }
}
