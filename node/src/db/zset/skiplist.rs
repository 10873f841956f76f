//! The `skiplist` encoding of a big sorted set: Redis's indexed skiplist (Pugh's skiplist with
//! Redis's span counters and backward links, which make rank lookups O(log n)) plus a member index.
//!
//! The nodes live in an arena (`Vec<Node>`); a node keeps its slot for as long as it lives, so the
//! slot number serves as ZSCAN cursor (an element present for the whole scan is returned) and the
//! member index is a hash table of slot numbers (a member is stored once).

use std::cmp::Ordering;
use std::hash::BuildHasher;

use hashbrown::hash_table::HashTable;
use hashbrown::DefaultHashBuilder;

use super::zcmp;
use crate::db::Elem;

const MAX_LEVEL: usize = 32;
/// No node (end of a level, or no previous node).
pub(super) const NIL: u32 = u32::MAX;
/// The list head, in paths where a predecessor may be the head.
const HEAD: u32 = u32::MAX - 1;

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Link {
    pub(super) next: u32,
    /// Level-0 steps from this node to `next` (Redis's `span`).
    span: u32,
}

/// A member. A free arena slot has no links.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub(super) ele: Elem,
    pub(super) score: f64,
    pub(super) prev: u32,
    pub(super) links: Box<[Link]>,
}

/// Redis's `zset` (skiplist + dict) with the nodes in an arena.
pub struct SkipList {
    pub(super) nodes: Vec<Node>,
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

    pub(super) fn get(&self, i: u32) -> Option<(&[u8], f64)> {
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
    pub(super) fn node_at(&self, rank: usize) -> u32 {
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

    pub(super) fn remove_ranks(&mut self, start: usize, end: usize) {
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

    pub(super) fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
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

    pub(super) fn iter_all(&self) -> impl Iterator<Item = (&[u8], f64)> {
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

    pub(super) fn mem_usage(&self) -> usize {
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
    use crate::db::zset::Score;
    use crate::util::Rng;
    use std::collections::BTreeSet;

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
}
