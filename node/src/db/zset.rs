//! Sorted-set values: `listpack` (a vector sorted by score, then member) while small, then
//! `skiplist` (Redis's indexed skiplist plus a member index), one way, at the
//! `zset-max-listpack-*` thresholds.
//!
//! Both encodings keep Redis's order (score, then member bytes), and every positional query is a
//! rank: ranges by score or by lex resolve to rank spans, so commands walk `range(start, end)`.
//! The skiplist keeps Redis's span counters, which makes rank lookups O(log n).
//!
//! The skiplist nodes live in an arena (`Vec<Node>`); a node keeps its slot for as long as it lives,
//! so the slot number serves as ZSCAN cursor (an element present for the whole scan is returned)
//! and the member index is a hash table of slot numbers (a member is stored once).

use std::cmp::Ordering;
use std::hash::BuildHasher;

use hashbrown::hash_table::HashTable;
use hashbrown::DefaultHashBuilder;

use super::types::EncodingLimits;
use super::Elem;
use crate::util::Rng;

/// A score with the total order sorted sets use (scores are never NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score(pub f64);

impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal)
    }
}

/// Redis's element order: by score, then by member bytes.
pub fn zcmp(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    Score(a.0).cmp(&Score(b.0)).then_with(|| a.1.cmp(b.1))
}

/// A listpack stores integral scores as integers, so `-0` reads back as `0`.
fn lp_norm(score: f64) -> f64 {
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

/// A score interval (`ZRANGEBYSCORE` syntax: `(` makes a bound exclusive).
#[derive(Debug, Clone, Copy)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    /// True when `s` is not below the lower end.
    pub fn gte_min(&self, s: f64) -> bool {
        if self.minex {
            s > self.min
        } else {
            s >= self.min
        }
    }

    /// True when `s` is not above the upper end.
    pub fn lte_max(&self, s: f64) -> bool {
        if self.maxex {
            s < self.max
        } else {
            s <= self.max
        }
    }
}

/// One end of a lex interval: `-`, `+`, or a string.
#[derive(Debug, Clone, PartialEq)]
pub enum LexBound {
    Min,
    Max,
    Str(Vec<u8>),
}

/// A lex interval (`ZRANGEBYLEX` syntax: `[a` inclusive, `(a` exclusive, `-` and `+`).
#[derive(Debug, Clone)]
pub struct LexRange {
    pub min: LexBound,
    pub minex: bool,
    pub max: LexBound,
    pub maxex: bool,
}

/// Redis's `sdscmplex` for a member against a bound.
fn cmp_member(v: &[u8], b: &LexBound) -> Ordering {
    match b {
        LexBound::Min => Ordering::Greater,
        LexBound::Max => Ordering::Less,
        LexBound::Str(s) => v.cmp(s),
    }
}

/// `sdscmplex` between two bounds (the same sentinel compares equal).
fn cmp_bounds(a: &LexBound, b: &LexBound) -> Ordering {
    match (a, b) {
        (LexBound::Min, LexBound::Min) | (LexBound::Max, LexBound::Max) => Ordering::Equal,
        (LexBound::Min, _) | (_, LexBound::Max) => Ordering::Less,
        (LexBound::Max, _) | (_, LexBound::Min) => Ordering::Greater,
        (LexBound::Str(x), LexBound::Str(y)) => x.cmp(y),
    }
}

impl LexRange {
    /// Parses min and max; None when either is not a valid range item.
    pub fn parse(min: &[u8], max: &[u8]) -> Option<LexRange> {
        let (min, minex) = parse_lex_item(min)?;
        let (max, maxex) = parse_lex_item(max)?;
        Some(LexRange { min, minex, max, maxex })
    }

    /// True when `v` is not below the lower end.
    pub fn gte_min(&self, v: &[u8]) -> bool {
        let c = cmp_member(v, &self.min);
        if self.minex {
            c == Ordering::Greater
        } else {
            c != Ordering::Less
        }
    }

    /// True when `v` is not above the upper end.
    pub fn lte_max(&self, v: &[u8]) -> bool {
        let c = cmp_member(v, &self.max);
        if self.maxex {
            c == Ordering::Less
        } else {
            c != Ordering::Greater
        }
    }

    /// True when no string can be inside (min above max, or equal with an exclusive end).
    fn is_void(&self) -> bool {
        let c = cmp_bounds(&self.min, &self.max);
        c == Ordering::Greater || c == Ordering::Equal && (self.minex || self.maxex)
    }
}

/// `zslParseLexRangeItem`: the first byte decides; `+`/`-` must stand alone (as a C string).
fn parse_lex_item(item: &[u8]) -> Option<(LexBound, bool)> {
    let alone = item.len() == 1 || item.get(1) == Some(&0);
    match item.first() {
        Some(b'+') if alone => Some((LexBound::Max, true)),
        Some(b'-') if alone => Some((LexBound::Min, true)),
        Some(b'(') => Some((LexBound::Str(item[1..].to_vec()), true)),
        Some(b'[') => Some((LexBound::Str(item[1..].to_vec()), false)),
        _ => None,
    }
}

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
            ZSet::Small(v) => v.iter().find(|(x, _)| &**x == m).map(|(_, s)| *s),
            ZSet::Big(b) => b.score(m),
        }
    }

    /// Inserts or updates a member's score; returns true if the member is new. A new member that
    /// does not fit the listpack limits converts the set to a skiplist first (an update never does).
    pub fn insert(&mut self, m: &[u8], score: f64, lim: &EncodingLimits) -> bool {
        if let ZSet::Small(v) = self {
            if let Some(i) = v.iter().position(|(x, _)| &**x == m) {
                let (elem, _) = v.remove(i);
                let score = lp_norm(score);
                let pos = v.partition_point(|(x, s)| zcmp((*s, x), (score, m)) == Ordering::Less);
                v.insert(pos, (elem, score));
                return false;
            }
            if v.len() < lim.zset_max_entries && m.len() <= lim.zset_max_value {
                let score = lp_norm(score);
                let pos = v.partition_point(|(x, s)| zcmp((*s, x), (score, m)) == Ordering::Less);
                v.insert(pos, (m.into(), score));
                return true;
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
            ZSet::Small(v) => match v.iter().position(|(x, _)| &**x == m) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
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
            ZSet::Small(items.into_iter().map(|(m, s)| (m, lp_norm(s))).collect())
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
            ZSet::Small(v) => v.iter().position(|(x, _)| &**x == m),
            ZSet::Big(b) => b.rank(m),
        }
    }

    /// How many leading members satisfy `pred` (which must hold for a prefix of the order).
    pub fn count_prefix(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match self {
            ZSet::Small(v) => v.partition_point(|(m, s)| pred(*s, m)),
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
            ZSet::Small(v) => v.iter().position(|(m, _)| r.gte_min(m))?,
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
            ZSet::Small(v) => v.iter().rposition(|(m, _)| r.lte_max(m))?,
            ZSet::Big(b) => b.prefix_len(|_, m| r.lte_max(m)).checked_sub(1)?,
        };
        self.get(i).filter(|(m, _)| r.gte_min(m)).map(|_| i)
    }

    /// From `start`, the end (exclusive) of the run of members that stay `<= max`.
    pub fn lex_run_end(&self, start: usize, r: &LexRange) -> usize {
        match self {
            ZSet::Small(v) => start + v.get(start..).map_or(0, |t| t.iter().take_while(|(m, _)| r.lte_max(m)).count()),
            ZSet::Big(b) => b.prefix_len(|_, m| r.lte_max(m)).max(start),
        }
    }

    /// Walking down from `top`, the lowest rank of the run of members that stay `>= min`
    /// (`top + 1` when `top` itself is below min).
    pub fn lex_run_start(&self, top: usize, r: &LexRange) -> usize {
        match self {
            ZSet::Small(v) => top + 1 - v.get(..=top).map_or(0, |t| t.iter().rev().take_while(|(m, _)| r.gte_min(m)).count()),
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
            ZSet::Small(v) if v.is_empty() => None,
            ZSet::Small(v) if max => v.pop(),
            ZSet::Small(v) => Some(v.remove(0)),
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
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match self {
            ZSet::Small(v) => {
                for (m, s) in v {
                    f(m, *s);
                }
                0
            }
            ZSet::Big(b) => b.scan(cursor, count, f),
        }
    }

    /// Approximate heap bytes (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Small(v) => v.iter().map(|(m, _)| m.len() + 24).sum::<usize>() + v.capacity() * 24,
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

// ---------------------------------------------------------------------------------------------
// The indexed skiplist (Pugh's skiplist with Redis's span counters and backward links).

const MAX_LEVEL: usize = 32;
/// No node (end of a level, or no previous node).
const NIL: u32 = u32::MAX;
/// The list head, in paths where a predecessor may be the head.
const HEAD: u32 = u32::MAX - 1;

#[derive(Debug, Clone, Copy, Default)]
struct Link {
    next: u32,
    /// Level-0 steps from this node to `next` (Redis's `span`).
    span: u32,
}

/// A member. A free arena slot has no links.
#[derive(Debug, Default)]
struct Node {
    ele: Elem,
    score: f64,
    prev: u32,
    links: Box<[Link]>,
}

/// Redis's `zset` (skiplist + dict) with the nodes in an arena.
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<u32>,
    /// Member → arena slot.
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    head: [Link; MAX_LEVEL],
    level: usize,
    /// Nodes currently linked into the list.
    linked: usize,
    tail: u32,
    seed: u64,
}

impl std::fmt::Debug for SkipList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SkipList(len={})", self.len())
    }
}

impl Default for SkipList {
    fn default() -> Self {
        SkipList {
            nodes: Vec::new(),
            free: Vec::new(),
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            head: [Link { next: NIL, span: 0 }; MAX_LEVEL],
            level: 1,
            linked: 0,
            tail: NIL,
            seed: 0x2545_f491_4f6c_dd1d,
        }
    }
}

impl SkipList {
    /// Builds a list from members in ascending order without duplicates.
    pub fn from_sorted(items: Vec<(Elem, f64)>) -> SkipList {
        let mut l = SkipList::default();
        l.nodes.reserve(items.len());
        l.index.reserve(items.len(), |_| 0);
        for (m, s) in items {
            l.insert_new(m, s);
        }
        l
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn find(&self, m: &[u8]) -> Option<u32> {
        let h = self.hasher.hash_one(m);
        let nodes = &self.nodes;
        self.index.find(h, |&i| &*nodes[i as usize].ele == m).copied()
    }

    /// The score of a member.
    pub fn score(&self, m: &[u8]) -> Option<f64> {
        self.find(m).map(|i| self.nodes[i as usize].score)
    }

    fn get(&self, i: u32) -> Option<(&[u8], f64)> {
        self.nodes.get(i as usize).filter(|n| !n.links.is_empty()).map(|n| (&*n.ele, n.score))
    }

    fn link(&self, x: u32, lvl: usize) -> Link {
        if x == HEAD {
            self.head[lvl]
        } else {
            self.nodes[x as usize].links[lvl]
        }
    }

    fn link_mut(&mut self, x: u32, lvl: usize) -> &mut Link {
        if x == HEAD {
            &mut self.head[lvl]
        } else {
            &mut self.nodes[x as usize].links[lvl]
        }
    }

    /// True when node `a` sorts strictly before node `b`.
    fn precedes(&self, a: u32, b: u32) -> bool {
        let (x, y) = (&self.nodes[a as usize], &self.nodes[b as usize]);
        a != b && zcmp((x.score, &x.ele), (y.score, &y.ele)) == Ordering::Less
    }

    /// Redis's level distribution: P = 1/4 per extra level.
    fn random_level(&mut self) -> usize {
        let mut lvl = 1;
        loop {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            if lvl < MAX_LEVEL && (self.seed & 0xFFFF) < 0x4000 {
                lvl += 1;
            } else {
                return lvl;
            }
        }
    }

    /// For each level, the last node (or head) before node `idx`'s place, and its rank.
    fn path(&self, idx: u32) -> ([u32; MAX_LEVEL], [u32; MAX_LEVEL]) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i == self.level - 1 { 0 } else { rank[i + 1] };
            loop {
                let l = self.link(x, i);
                if l.next != NIL && self.precedes(l.next, idx) {
                    rank[i] += l.span;
                    x = l.next;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        (update, rank)
    }

    /// Links node `idx` (already in the arena, with its height set) at its place (`zslInsert`).
    fn link_node(&mut self, idx: u32) {
        let (mut update, mut rank) = self.path(idx);
        let lvl = self.nodes[idx as usize].links.len();
        if lvl > self.level {
            for i in self.level..lvl {
                rank[i] = 0;
                update[i] = HEAD;
                self.head[i].span = self.linked as u32;
            }
            self.level = lvl;
        }
        for i in 0..lvl {
            let up = self.link(update[i], i);
            self.nodes[idx as usize].links[i] = Link { next: up.next, span: up.span.wrapping_sub(rank[0] - rank[i]) };
            *self.link_mut(update[i], i) = Link { next: idx, span: rank[0] - rank[i] + 1 };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(lvl) {
            let l = self.link_mut(u, i);
            l.span = l.span.wrapping_add(1);
        }
        self.nodes[idx as usize].prev = if update[0] == HEAD { NIL } else { update[0] };
        let next = self.nodes[idx as usize].links[0].next;
        if next != NIL {
            self.nodes[next as usize].prev = idx;
        } else {
            self.tail = idx;
        }
        self.linked += 1;
    }

    /// Unlinks node `idx` from the list, keeping it in the arena (`zslDeleteNode`).
    fn unlink_node(&mut self, idx: u32) {
        let (update, _) = self.path(idx);
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let l = self.link(u, i);
            if l.next == idx {
                let own = self.nodes[idx as usize].links[i];
                *self.link_mut(u, i) = Link { next: own.next, span: l.span.wrapping_add(own.span).wrapping_sub(1) };
            } else {
                self.link_mut(u, i).span = l.span.wrapping_sub(1);
            }
        }
        let (prev, next) = (self.nodes[idx as usize].prev, self.nodes[idx as usize].links[0].next);
        if next != NIL {
            self.nodes[next as usize].prev = prev;
        } else {
            self.tail = prev;
        }
        while self.level > 1 && self.head[self.level - 1].next == NIL {
            self.level -= 1;
        }
        self.linked -= 1;
    }

    fn insert_new(&mut self, ele: Elem, score: f64) -> u32 {
        let lvl = self.random_level();
        let h = self.hasher.hash_one(&*ele);
        let node = Node { ele, score, prev: NIL, links: vec![Link::default(); lvl].into_boxed_slice() };
        let idx = match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = node;
                i
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.link_node(idx);
        let SkipList { nodes, index, hasher, .. } = self;
        index.insert_unique(h, idx, |&x| hasher.hash_one(&*nodes[x as usize].ele));
        idx
    }

    /// Sets a member's score; returns true if the member is new.
    pub fn set(&mut self, m: &[u8], score: f64) -> bool {
        let Some(idx) = self.find(m) else {
            self.insert_new(m.into(), score);
            return true;
        };
        let n = &self.nodes[idx as usize];
        if n.score == score {
            return false;
        }
        // Like zslUpdateScore: stay in place when the order is unchanged.
        let prev_ok = n.prev == NIL || self.nodes[n.prev as usize].score < score;
        let next = n.links[0].next;
        let next_ok = next == NIL || self.nodes[next as usize].score > score;
        if prev_ok && next_ok {
            self.nodes[idx as usize].score = score;
        } else {
            self.unlink_node(idx);
            self.nodes[idx as usize].score = score;
            self.link_node(idx);
        }
        false
    }

    /// Removes the node in `idx` from list, index and arena.
    fn remove_idx(&mut self, idx: u32) -> (Elem, f64) {
        self.unlink_node(idx);
        let h = self.hasher.hash_one(&*self.nodes[idx as usize].ele);
        if let Ok(e) = self.index.find_entry(h, |&i| i == idx) {
            e.remove();
        }
        let node = std::mem::take(&mut self.nodes[idx as usize]);
        self.free.push(idx);
        self.maybe_shrink();
        (node.ele, node.score)
    }

    /// Removes a member, returning it with its score.
    pub fn remove(&mut self, m: &[u8]) -> Option<(Elem, f64)> {
        let idx = self.find(m)?;
        Some(self.remove_idx(idx))
    }

    /// Gives memory back when the arena is mostly holes. Slots move, which a SCAN in progress
    /// tolerates only loosely (the same trade-off as `Table`).
    fn maybe_shrink(&mut self) {
        if self.index.is_empty() {
            *self = SkipList { seed: self.seed, ..SkipList::default() };
        } else if self.nodes.len() > 64 && self.len() * 8 < self.nodes.len() {
            let items: Vec<(Elem, f64)> = self.iter_all().map(|(m, s)| (Elem::from(m), s)).collect();
            let seed = self.seed;
            *self = SkipList::from_sorted(items);
            self.seed = seed;
        }
    }

    /// Slot of the node at a 0-based rank (`zslGetElementByRank`), or NIL.
    fn node_at(&self, rank: usize) -> u32 {
        let target = rank as u64 + 1;
        let mut traversed = 0u64;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let l = self.link(x, i);
                if l.next != NIL && traversed + l.span as u64 <= target {
                    traversed += l.span as u64;
                    x = l.next;
                } else {
                    break;
                }
            }
            if traversed == target {
                return x;
            }
        }
        NIL
    }

    /// Number of leading nodes for which `pred` holds (a prefix property of the order).
    pub fn prefix_len(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut rank = 0usize;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let l = self.link(x, i);
                if l.next != NIL && {
                    let n = &self.nodes[l.next as usize];
                    pred(n.score, &n.ele)
                } {
                    rank += l.span as usize;
                    x = l.next;
                } else {
                    break;
                }
            }
        }
        rank
    }

    /// 0-based rank of a member in ascending order.
    pub fn rank(&self, m: &[u8]) -> Option<usize> {
        let idx = self.find(m)?;
        let n = &self.nodes[idx as usize];
        Some(self.prefix_len(|s, e| zcmp((s, e), (n.score, &n.ele)) == Ordering::Less))
    }

    fn remove_ranks(&mut self, start: usize, end: usize) {
        for _ in start..end {
            let idx = self.node_at(start);
            if idx == NIL {
                break;
            }
            self.remove_idx(idx);
        }
    }

    /// Removes and returns the first (or, with `max`, the last) member.
    pub fn pop(&mut self, max: bool) -> Option<(Elem, f64)> {
        let idx = if max { self.tail } else { self.head[0].next };
        if idx == NIL {
            return None;
        }
        Some(self.remove_idx(idx))
    }

    fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        let start = cursor as usize;
        if start >= self.nodes.len() {
            return 0;
        }
        let end = (start + count.max(1)).min(self.nodes.len());
        for n in &self.nodes[start..end] {
            if !n.links.is_empty() {
                f(&n.ele, n.score);
            }
        }
        if end >= self.nodes.len() {
            0
        } else {
            end as u64
        }
    }

    fn iter_all(&self) -> impl Iterator<Item = (&[u8], f64)> {
        let mut x = self.head[0].next;
        std::iter::from_fn(move || {
            if x == NIL {
                return None;
            }
            let n = &self.nodes[x as usize];
            x = n.links[0].next;
            Some((&*n.ele, n.score))
        })
    }

    fn mem_usage(&self) -> usize {
        let per_node = std::mem::size_of::<Node>() + 5;
        self.nodes.capacity() * per_node
            + self.nodes.iter().map(|n| n.ele.len() + n.links.len() * std::mem::size_of::<Link>()).sum::<usize>()
            + self.free.capacity() * 4
    }

    /// Checks every structural invariant (tests).
    #[cfg(test)]
    fn check(&self) {
        let all: Vec<(Vec<u8>, f64)> = self.iter_all().map(|(m, s)| (m.to_vec(), s)).collect();
        assert_eq!(all.len(), self.len());
        assert_eq!(self.linked, self.len());
        for w in all.windows(2) {
            assert_eq!(zcmp((w[0].1, &w[0].0), (w[1].1, &w[1].0)), Ordering::Less);
        }
        for (r, (m, s)) in all.iter().enumerate() {
            assert_eq!(self.rank(m), Some(r));
            assert_eq!(self.score(m), Some(*s));
            assert_eq!(self.get(self.node_at(r)).map(|(x, _)| x.to_vec()), Some(m.clone()));
        }
        let back: Vec<Vec<u8>> = {
            let mut v = Vec::new();
            let mut x = self.tail;
            while x != NIL {
                v.push(self.nodes[x as usize].ele.to_vec());
                x = self.nodes[x as usize].prev;
            }
            v.reverse();
            v
        };
        assert_eq!(back, all.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
    fn skiplist_matches_model() {
        let mut rng = Rng::seeded();
        let mut l = SkipList::default();
        let mut model: BTreeSet<(Score, Vec<u8>)> = BTreeSet::new();
        for step in 0..4000 {
            let m = format!("m{}", rng.below(300)).into_bytes();
            let s = rng.below(50) as f64;
            match rng.below(4) {
                0 => {
                    if let Some((_, old)) = l.remove(&m) {
                        model.remove(&(Score(old), m.clone()));
                    }
                }
                1 => {
                    if let Some((e, sc)) = l.pop(rng.below(2) == 0) {
                        assert!(model.remove(&(Score(sc), e.to_vec())));
                    }
                }
                _ => {
                    if let Some(old) = l.score(&m) {
                        model.remove(&(Score(old), m.clone()));
                    }
                    l.set(&m, s);
                    model.insert((Score(s), m));
                }
            }
            if step % 97 == 0 {
                l.check();
                let got: Vec<(Score, Vec<u8>)> = l.iter_all().map(|(m, s)| (Score(s), m.to_vec())).collect();
                assert_eq!(got, model.iter().cloned().collect::<Vec<_>>());
            }
        }
        l.check();
        let n = l.len();
        l.remove_ranks(1, n / 2);
        l.check();
        // Emptying most of a big arena compacts it; the list must survive that.
        for i in 0..600 {
            l.set(format!("k{i}").as_bytes(), i as f64);
        }
        for i in 0..590 {
            l.remove(format!("k{i}").as_bytes());
        }
        assert!(l.nodes.len() < 200);
        l.check();
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
