//! Sorted-set values (the data side of Redis 7.0's t_zset.c): [`ZSet`] in one of Redis's two
//! encodings, `listpack` (a vector sorted by score, then member) while small, then `skiplist`
//! (Redis's indexed skiplist plus a member index), one way, at the `zset-max-listpack-*`
//! thresholds. Owns both representations and the order and intervals they share; may call only
//! the rest of `db` (the element type, the encoding limits) and `util` (number formatting, the
//! PRNG). Commands (`cmd::zsets`) and the RDB code reach it through the items re-exported here.
//!
//! Layout:
//! - `mod.rs` (this file): [`ZSet`], whose methods pick the representation, and [`Iter`], the
//!   iterator over a rank span of either.
//! - `listpack.rs`: the small representation's operations and how a listpack stores a score
//!   ([`listpack_score_text`]).
//! - `skiplist.rs`: [`SkipList`], the big representation (arena nodes, span counters, member
//!   index).
//! - `range.rs`: the order ([`Score`], [`zcmp`]) and its score and lex intervals ([`ScoreRange`],
//!   [`LexRange`], [`LexBound`]).
//!
//! Both encodings keep Redis's order (score, then member bytes), and every positional query is a
//! rank: ranges by score or by lex resolve to rank spans, so commands walk `range(start, end)`.
//! The skiplist keeps Redis's span counters, which makes rank lookups O(log n).

mod listpack;
mod range;
mod skiplist;

pub use listpack::listpack_score_text;
pub use range::{zcmp, LexBound, LexRange, Score, ScoreRange};
pub use skiplist::SkipList;

use super::types::EncodingLimits;
use super::Elem;
use crate::util::Rng;
use skiplist::NIL;

/// A sorted-set value in one of Redis's two encodings.
#[derive(Debug)]
pub enum ZSet {
    /// `listpack`: (member, score) sorted by score, then member.
    Small(Vec<(Elem, f64)>),
    /// `skiplist`: an indexed skiplist with a member index.
    Big(Box<SkipList>),
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::Small(Vec::new())
    }
}

impl ZSet {
    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Small(_) => "listpack",
            ZSet::Big(_) => "skiplist",
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            ZSet::Small(v) => v.len(),
            ZSet::Big(b) => b.len(),
        }
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The score of a member.
    pub fn score(&self, m: &[u8]) -> Option<f64> {
        match self {
            ZSet::Small(v) => listpack::score(v, m),
            ZSet::Big(b) => b.score(m),
        }
    }

    /// Inserts or updates a member's score; returns true if the member is new. A new member that
    /// does not fit the listpack limits converts the set to a skiplist first (an update never does).
    pub fn insert(&mut self, m: &[u8], score: f64, lim: &EncodingLimits) -> bool {
        if let ZSet::Small(v) = self {
            if let Some(added) = listpack::insert(v, m, score, lim) {
                return added;
            }
            self.convert();
        }
        match self {
            ZSet::Big(b) => b.set(m, score),
            ZSet::Small(_) => unreachable!("converted above"),
        }
    }

    /// Removes a member; returns whether it was there.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            ZSet::Small(v) => listpack::remove(v, m),
            ZSet::Big(b) => b.remove(m).is_some(),
        }
    }

    /// Switches a listpack to a skiplist.
    pub fn convert(&mut self) {
        if let ZSet::Small(v) = self {
            let items = std::mem::take(v);
            *self = ZSet::Big(Box::new(SkipList::from_sorted(items)));
        }
    }

    /// Builds a set from members sorted in ascending order without duplicates, with the encoding
    /// Redis gives the results of ZUNIONSTORE & co. (listpack when within both limits).
    pub fn from_sorted(items: Vec<(Elem, f64)>, lim: &EncodingLimits) -> ZSet {
        if items.len() <= lim.zset_max_entries && items.iter().all(|(m, _)| m.len() <= lim.zset_max_value) {
            ZSet::Small(listpack::from_sorted(items))
        } else {
            ZSet::Big(Box::new(SkipList::from_sorted(items)))
        }
    }

    /// Members in ascending (score, member) order.
    pub fn iter(&self) -> Iter<'_> {
        self.range(0, self.len())
    }

    /// Members with ranks in `start..end` (clamped), ascending; `.rev()` walks them descending.
    pub fn range(&self, start: usize, end: usize) -> Iter<'_> {
        let end = end.min(self.len());
        let start = start.min(end);
        match self {
            ZSet::Small(v) => Iter::Small(v[start..end].iter()),
            ZSet::Big(b) => {
                if start == end {
                    Iter::Big { list: b, front: NIL, back: NIL, left: 0 }
                } else {
                    Iter::Big { list: b, front: b.node_at(start), back: b.node_at(end - 1), left: end - start }
                }
            }
        }
    }

    /// The member at a 0-based rank.
    pub fn get(&self, rank: usize) -> Option<(&[u8], f64)> {
        match self {
            ZSet::Small(v) => v.get(rank).map(|(m, s)| (&**m, *s)),
            ZSet::Big(b) => b.get(b.node_at(rank)),
        }
    }

    /// 0-based rank of a member in ascending order.
    pub fn rank(&self, m: &[u8]) -> Option<usize> {
        match self {
            ZSet::Small(v) => listpack::rank(v, m),
            ZSet::Big(b) => b.rank(m),
        }
    }

    /// How many leading members satisfy `pred` (which must hold for a prefix of the order).
    pub fn count_prefix(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match self {
            ZSet::Small(v) => listpack::prefix_len(v, pred),
            ZSet::Big(b) => b.prefix_len(pred),
        }
    }

    /// The ranks `lo..hi` of the members inside a score range.
    pub fn score_span(&self, r: &ScoreRange) -> (usize, usize) {
        let lo = self.count_prefix(|s, _| !r.gte_min(s));
        let hi = self.count_prefix(|s, _| r.lte_max(s)).max(lo);
        (lo, hi)
    }

    /// Rank of the first member in a lex range (`zzlFirstInLexRange` / `zslFirstInLexRange`). A
    /// listpack is scanned in order, so mixed scores behave exactly as in Redis.
    pub fn lex_first(&self, r: &LexRange) -> Option<usize> {
        if !self.lex_may_match(r) {
            return None;
        }
        let i = match self {
            ZSet::Small(v) => listpack::lex_first_from_min(v, r)?,
            ZSet::Big(b) => b.prefix_len(|_, m| !r.gte_min(m)),
        };
        self.get(i).filter(|(m, _)| r.lte_max(m)).map(|_| i)
    }

    /// Rank of the last member in a lex range (`zzlLastInLexRange` / `zslLastInLexRange`).
    pub fn lex_last(&self, r: &LexRange) -> Option<usize> {
        if !self.lex_may_match(r) {
            return None;
        }
        let i = match self {
            ZSet::Small(v) => listpack::lex_last_from_max(v, r)?,
            ZSet::Big(b) => b.prefix_len(|_, m| r.lte_max(m)).checked_sub(1)?,
        };
        self.get(i).filter(|(m, _)| r.gte_min(m)).map(|_| i)
    }

    /// From `start`, the end (exclusive) of the run of members that stay `<= max`.
    pub fn lex_run_end(&self, start: usize, r: &LexRange) -> usize {
        match self {
            ZSet::Small(v) => listpack::lex_run_end(v, start, r),
            ZSet::Big(b) => b.prefix_len(|_, m| r.lte_max(m)).max(start),
        }
    }

    /// Walking down from `top`, the lowest rank of the run of members that stay `>= min`
    /// (`top + 1` when `top` itself is below min).
    pub fn lex_run_start(&self, top: usize, r: &LexRange) -> usize {
        match self {
            ZSet::Small(v) => listpack::lex_run_start(v, top, r),
            ZSet::Big(b) => b.prefix_len(|_, m| !r.gte_min(m)).min(top + 1),
        }
    }

    /// `zzlIsInLexRange`: the range is not void, the last member is >= min, the first is <= max.
    fn lex_may_match(&self, r: &LexRange) -> bool {
        if r.is_void() || self.is_empty() {
            return false;
        }
        let last = self.get(self.len() - 1).is_some_and(|(m, _)| r.gte_min(m));
        let first = self.get(0).is_some_and(|(m, _)| r.lte_max(m));
        last && first
    }

    /// Removes the members with ranks in `start..end`; returns how many went.
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        match self {
            ZSet::Small(v) => {
                v.drain(start..end);
            }
            ZSet::Big(b) => b.remove_ranks(start, end),
        }
        end - start
    }

    /// Pops the lowest (or, with `max`, the highest) member.
    pub fn pop(&mut self, max: bool) -> Option<(Elem, f64)> {
        match self {
            ZSet::Small(v) => listpack::pop(v, max),
            ZSet::Big(b) => b.pop(max),
        }
    }

    /// A uniformly random member.
    pub fn random(&self, rng: &mut Rng) -> Option<(&[u8], f64)> {
        if self.is_empty() {
            return None;
        }
        self.get(rng.below(self.len()))
    }

    /// ZSCAN step: visits members from `cursor` and returns the next cursor (0 = done). A listpack
    /// is returned whole in one call, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize, f: impl FnMut(&[u8], f64)) -> u64 {
        match self {
            ZSet::Small(v) => listpack::scan(v, f),
            ZSet::Big(b) => b.scan(cursor, count, f),
        }
    }

    /// Approximate heap bytes (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Small(v) => listpack::mem_usage(v),
            ZSet::Big(b) => b.mem_usage(),
        }
    }

    /// A copy with the same encoding (COPY).
    pub fn deep_clone(&self) -> ZSet {
        match self {
            ZSet::Small(v) => ZSet::Small(v.clone()),
            ZSet::Big(b) => ZSet::Big(Box::new(SkipList::from_sorted(b.iter_all().map(|(m, s)| (Elem::from(m), s)).collect()))),
        }
    }
}

/// Iterator over a rank span of a sorted set (ascending; reversible).
pub enum Iter<'a> {
    Small(std::slice::Iter<'a, (Elem, f64)>),
    Big { list: &'a SkipList, front: u32, back: u32, left: usize },
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(it) => it.next().map(|(m, s)| (&**m, *s)),
            Iter::Big { list, front, left, .. } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let n = &list.nodes[*front as usize];
                *front = n.links[0].next;
                Some((&n.ele, n.score))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Iter::Small(it) => it.len(),
            Iter::Big { left, .. } => *left,
        };
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(it) => it.next_back().map(|(m, s)| (&**m, *s)),
            Iter::Big { list, back, left, .. } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let n = &list.nodes[*back as usize];
                *back = n.prev;
                Some((&n.ele, n.score))
            }
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(z: &ZSet) -> Vec<Vec<u8>> {
        z.iter().map(|(m, _)| m.to_vec()).collect()
    }

    #[test]
    fn zset_orders_and_ranks() {
        let lim = EncodingLimits { zset_max_entries: 3, ..Default::default() };
        let mut z = ZSet::default();
        z.insert(b"b", 1.0, &lim);
        z.insert(b"a", 1.0, &lim);
        z.insert(b"c", 0.5, &lim);
        assert_eq!(z.rank(b"a"), Some(1));
        z.insert(b"d", 2.0, &lim);
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(members(&z), vec![b"c".to_vec(), b"a".to_vec(), b"b".to_vec(), b"d".to_vec()]);
        assert!(!z.insert(b"c", 3.0, &lim));
        assert_eq!(z.rank(b"c"), Some(3));
        assert!(z.remove(b"a"));
        assert_eq!(z.len(), 3);
        let rev: Vec<_> = z.iter().rev().map(|(m, _)| m.to_vec()).collect();
        assert_eq!(rev, vec![b"c".to_vec(), b"d".to_vec(), b"b".to_vec()]);
    }

    #[test]
    fn score_and_lex_spans() {
        let lim = EncodingLimits::default();
        for big in [false, true] {
            let mut z = ZSet::default();
            for (i, m) in ["a", "b", "c", "d", "e"].iter().enumerate() {
                z.insert(m.as_bytes(), i as f64, &lim);
            }
            if big {
                z.convert();
            }
            let r = ScoreRange { min: 1.0, max: 3.0, minex: true, maxex: false };
            assert_eq!(z.score_span(&r), (2, 4));
            let r = ScoreRange { min: 3.0, max: 1.0, minex: false, maxex: false };
            let (lo, hi) = z.score_span(&r);
            assert_eq!(lo, hi);
            let mut flat = ZSet::default();
            for m in ["a", "b", "c", "d", "e"] {
                flat.insert(m.as_bytes(), 0.0, &lim);
            }
            if big {
                flat.convert();
            }
            let r = LexRange::parse(b"(a", b"[d").unwrap_or_else(|| panic!("valid range"));
            assert_eq!(flat.lex_first(&r), Some(1));
            assert_eq!(flat.lex_last(&r), Some(3));
            assert_eq!(flat.lex_run_end(1, &r), 4);
            assert_eq!(flat.lex_run_start(3, &r), 1);
            let all = LexRange::parse(b"-", b"+").unwrap_or_else(|| panic!("valid range"));
            assert_eq!(flat.lex_first(&all), Some(0));
            let none = LexRange::parse(b"+", b"-").unwrap_or_else(|| panic!("valid range"));
            assert_eq!(flat.lex_first(&none), None);
            assert!(LexRange::parse(b"a", b"+").is_none());
            assert!(LexRange::parse(b"+x", b"+").is_none());
            assert_eq!(flat.remove_range(1, 3), 2);
            assert_eq!(members(&flat), vec![b"a".to_vec(), b"d".to_vec(), b"e".to_vec()]);
        }
    }

    #[test]
    fn big_range_iterates_both_ways() {
        let mut z = ZSet::Big(Box::default());
        let lim = EncodingLimits::default();
        for i in 0..1000 {
            z.insert(format!("{i:04}").as_bytes(), (i % 10) as f64, &lim);
        }
        let fwd: Vec<_> = z.range(10, 20).map(|(m, _)| m.to_vec()).collect();
        let mut back: Vec<_> = z.range(10, 20).rev().map(|(m, _)| m.to_vec()).collect();
        back.reverse();
        assert_eq!(fwd, back);
        assert_eq!(fwd.len(), 10);
        assert_eq!(z.get(10).map(|(m, _)| m.to_vec()), Some(fwd[0].clone()));
        let mut seen = 0;
        let mut cursor = 0;
        loop {
            cursor = z.scan(cursor, 37, |_, _| seen += 1);
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen, 1000);
    }
}
