//! The stream type (Redis 7.0 `t_stream.c`): entries in listpack nodes keyed by their master ID
//! (Redis's radix tree of listpacks; here an ordered map), plus the consumer groups.
//!
//! Layout:
//! - `mod.rs` (this file): [`Stream`] (its nodes, appending, ranges, deletion, trimming) and the
//!   node limits.
//! - `id.rs`: entry IDs and their text forms.
//! - `node.rs`: one node's listpack layout (master entry, delta-encoded entries, flags).
//! - `groups.rs`: consumer groups, their consumers and pending-entries lists.
//! - `tests.rs`: nodes laid out as Redis lays them out, and the counts after deletes and trims.
//!
//! Everything here is data and imports only `db::listpack` and `util`: commands (`cmd::streams`)
//! parse arguments, reply, notify and propagate.

pub mod groups;
pub mod id;
pub mod node;

use std::collections::BTreeMap;

pub use groups::{Consumer, Group, Nack};
pub use id::StreamId;
use node::{EntryRef, Master};

/// A listpack may not grow past this (`STREAM_LISTPACK_MAX_SIZE`).
pub const LISTPACK_MAX_SIZE: usize = 1 << 30;
/// Bytes a new node reserves at most (`STREAM_LISTPACK_MAX_PRE_ALLOCATE`).
const MAX_PREALLOC: usize = 4096;

/// `stream-node-max-bytes` / `stream-node-max-entries`.
#[derive(Debug, Clone, Copy)]
pub struct NodeLimits {
    pub max_bytes: usize,
    pub max_entries: i64,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits { max_bytes: 4096, max_entries: 100 }
    }
}

/// How XADD / XTRIM trim (`streamAddTrimArgs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

#[derive(Debug, Default)]
pub struct Stream {
    nodes: BTreeMap<StreamId, Vec<u8>>,
    /// Live entries.
    pub length: u64,
    pub last_id: StreamId,
    /// The first live entry's ID (0-0 when empty).
    pub first_id: StreamId,
    pub max_deleted_entry_id: StreamId,
    /// Entries ever added (XSETID may raise it).
    pub entries_added: u64,
    pub groups: BTreeMap<Box<[u8]>, Group>,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    pub fn deep_clone(&self) -> Stream {
        Stream {
            nodes: self.nodes.clone(),
            length: self.length,
            last_id: self.last_id,
            first_id: self.first_id,
            max_deleted_entry_id: self.max_deleted_entry_id,
            entries_added: self.entries_added,
            groups: self.groups.iter().map(|(k, g)| (k.clone(), g.clone())).collect(),
        }
    }

    /// The nodes, in ID order (for the RDB writer and DUMP).
    pub fn nodes(&self) -> impl Iterator<Item = (&StreamId, &Vec<u8>)> {
        self.nodes.iter()
    }

    /// How many nodes Redis's radix tree has for the node keys (XINFO's `radix-tree-nodes`, and
    /// lazy freeing's effort): the root, a node per branching point and per compressed run
    /// between them, and a leaf per key, as a rax built from keys in order is laid out.
    pub fn rax_node_count(&self) -> usize {
        let keys: Vec<[u8; 16]> = self.nodes().map(|(k, _)| k.to_be_bytes()).collect();
        if keys.is_empty() {
            return 1;
        }
        rax_subtree(&keys, 0)
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Adds a node as loaded from an RDB file or a DUMP payload (already validated).
    pub fn insert_node(&mut self, master_id: StreamId, node: Vec<u8>) {
        self.nodes.insert(master_id, node);
    }

    /// The ID `*` generates (`streamNextID`), or `None` when the last possible ID is taken.
    pub fn next_auto_id(&self, now_ms: u64) -> Option<StreamId> {
        if now_ms > self.last_id.ms {
            Some(StreamId { ms: now_ms, seq: 0 })
        } else {
            self.last_id.incr()
        }
    }

    /// Appends an entry with `id` (greater than `last_id`, checked by the caller) and
    /// field/value pairs (`streamAppendItem`).
    pub fn append(&mut self, id: StreamId, fields_values: &[&[u8]], limits: NodeLimits) {
        let total: usize = fields_values.iter().map(|e| e.len()).sum();
        let max_bytes = if limits.max_bytes == 0 || limits.max_bytes > LISTPACK_MAX_SIZE { LISTPACK_MAX_SIZE } else { limits.max_bytes };
        let mut tail = self.nodes.last_key_value().map(|(k, _)| *k);
        if let Some(k) = tail {
            let node = self.nodes.get_mut(&k).expect("tail node");
            let m = node::master(node);
            let full = node.len() + total >= max_bytes || (limits.max_entries > 0 && m.count + m.deleted >= limits.max_entries);
            if full {
                node.shrink_to_fit();
                tail = None;
            }
        }
        match tail {
            None => {
                let prealloc = if limits.max_bytes > 0 && limits.max_bytes < MAX_PREALLOC { limits.max_bytes } else { MAX_PREALLOC };
                self.nodes.insert(id, node::new_node(fields_values, prealloc));
            }
            Some(master_id) => {
                let node = self.nodes.get_mut(&master_id).expect("tail node");
                let mut m = node::master(node);
                let before = node.len();
                node::set_counts(node, m.count + 1, m.deleted);
                if node.len() != before {
                    m = node::master(node);
                }
                let flags = if node::same_fields(node, &m, fields_values) { node::FLAG_SAMEFIELDS } else { 0 };
                node::append_entry(node, id.ms.wrapping_sub(master_id.ms) as i64, id.seq.wrapping_sub(master_id.seq) as i64, flags, fields_values);
            }
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
    }

    /// Visits live entries with `start <= id <= end`, forwards or backwards, until `f` returns false.
    pub fn visit(&self, start: StreamId, end: StreamId, rev: bool, mut f: impl FnMut(&[u8], &Master, &EntryRef) -> bool) {
        if start > end {
            return;
        }
        if !rev {
            let from = self.nodes.range(..=start).next_back().map(|(k, _)| *k).unwrap_or(start);
            for (k, node) in self.nodes.range(from..=end) {
                let mut it = node::Entries::new(node, *k);
                let m = it.m;
                for e in it.by_ref() {
                    if e.id > end {
                        return;
                    }
                    if e.id < start || e.deleted() {
                        continue;
                    }
                    if !f(node, &m, &e) {
                        return;
                    }
                }
            }
        } else {
            // Backwards from each node's last entry, over the lp-count fields, as Redis's reverse
            // iterator walks.
            for (k, node) in self.nodes.range(..=end).rev() {
                let m = node::master(node);
                let mut at = node::last_entry_off(node, &m);
                while let Some(off) = at {
                    let e = node::entry_at(node, *k, &m, off);
                    if e.id < start {
                        return;
                    }
                    if e.id <= end && !e.deleted() && !f(node, &m, &e) {
                        return;
                    }
                    at = node::prev_entry_off(node, &m, off);
                }
                if *k <= start {
                    return;
                }
            }
        }
    }

    /// Calls `f(id, pairs)` for live entries in range, collecting the pairs as byte strings.
    pub fn entries(&self, start: StreamId, end: StreamId, rev: bool, count: usize) -> Vec<(StreamId, Vec<(Vec<u8>, Vec<u8>)>)> {
        let mut out = Vec::new();
        self.visit(start, end, rev, |node, m, e| {
            let mut pairs = Vec::with_capacity(e.num_fields as usize);
            e.for_each_pair(node, m, |f, v| pairs.push((f.to_vec(), v.to_vec())));
            out.push((e.id, pairs));
            count == 0 || out.len() < count
        });
        out
    }

    /// Whether a live entry has this ID (`streamEntryExists`).
    pub fn contains(&self, id: StreamId) -> bool {
        let mut found = false;
        self.visit(id, id, false, |_, _, _| {
            found = true;
            false
        });
        found
    }

    /// The first or last live entry's ID (`streamGetEdgeID` skipping tombstones).
    pub fn edge_id(&self, first: bool) -> Option<StreamId> {
        let mut id = None;
        self.visit(StreamId::ZERO, StreamId::MAX, !first, |_, _, e| {
            id = Some(e.id);
            false
        });
        id
    }

    /// Deletes one entry (`streamDeleteItem`); true if it was live.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((&k, node)) = self.nodes.range_mut(..=id).next_back() else { return false };
        let Some(e) = node::Entries::new(node, k).find(|e| e.id >= id) else { return false };
        if e.id != id || e.deleted() {
            return false;
        }
        node::mark_deleted(node, e.off);
        let m = node::master(node);
        if m.count == 1 {
            self.nodes.remove(&k);
        } else {
            node::set_counts(node, m.count - 1, m.deleted + 1);
        }
        self.length -= 1;
        true
    }

    /// XDEL's bookkeeping after deleting `ids` (those that were live): the greatest tombstone and
    /// the first ID.
    pub fn after_deletes(&mut self, deleted: &[StreamId]) {
        if deleted.is_empty() {
            return;
        }
        let mut first_gone = false;
        for id in deleted {
            if *id == self.first_id {
                first_gone = true;
            }
            if *id > self.max_deleted_entry_id {
                self.max_deleted_entry_id = *id;
            }
        }
        if self.length == 0 {
            self.first_id = StreamId::ZERO;
        } else if first_gone {
            self.first_id = self.edge_id(true).unwrap_or(StreamId::ZERO);
        }
    }

    /// Trims (`streamTrim`); `limit` 0 means no limit. Returns the number of entries removed.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: i64) -> i64 {
        let mut deleted: i64 = 0;
        let keys: Vec<StreamId> = self.nodes.keys().copied().collect();
        for k in keys {
            if let Trim::MaxLen(max) = how {
                if self.length <= max {
                    break;
                }
            }
            let node = self.nodes.get_mut(&k).expect("node");
            let m = node::master(node);
            let entries = m.count;
            if limit > 0 && deleted + entries > limit {
                break;
            }
            let remove_node = match how {
                Trim::MaxLen(max) => self.length - entries as u64 >= max,
                Trim::MinId(min) => {
                    let last = node::last_entry_off(node, &m).map(|off| node::entry_at(node, k, &m, off).id).unwrap_or(k);
                    last < min
                }
            };
            if remove_node {
                self.nodes.remove(&k);
                self.length -= entries as u64;
                deleted += entries;
                continue;
            }
            if approx {
                break;
            }
            let mut from_node: i64 = 0;
            let mut off = m.first_entry;
            while !crate::db::listpack::at_end(node, off) {
                let e = node::entry_at(node, k, &m, off);
                let stop = match how {
                    Trim::MaxLen(max) => self.length <= max,
                    Trim::MinId(min) => e.id >= min,
                };
                if stop {
                    break;
                }
                if !e.deleted() {
                    node::mark_deleted(node, e.off);
                    from_node += 1;
                    self.length -= 1;
                }
                off = e.next;
            }
            deleted += from_node;
            node::set_counts(node, entries - from_node, m.deleted + from_node);
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::ZERO;
        } else {
            self.first_id = self.edge_id(true).unwrap_or(StreamId::ZERO);
        }
        deleted
    }

    /// Whether a tombstone may lie in `start..=end` (`streamRangeHasTombstones`).
    pub fn range_has_tombstones(&self, start: Option<StreamId>, end: Option<StreamId>) -> bool {
        if self.length == 0 || self.max_deleted_entry_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_entry_id {
            return false;
        }
        let start = start.unwrap_or(StreamId::ZERO);
        let end = end.unwrap_or(StreamId::MAX);
        start <= self.max_deleted_entry_id && self.max_deleted_entry_id <= end
    }

    /// An ID's logical read counter, if it can be known (`streamEstimateDistanceFromFirstEverEntry`).
    pub fn estimate_distance(&self, id: StreamId) -> Option<u64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if self.length == 0 && id <= self.last_id {
            return Some(self.entries_added);
        }
        if id == self.last_id {
            return Some(self.entries_added);
        }
        if id > self.last_id {
            return None;
        }
        if self.max_deleted_entry_id.is_zero() || self.max_deleted_entry_id < self.first_id {
            if id < self.first_id {
                return Some(self.entries_added - self.length);
            } else if id == self.first_id {
                return Some(self.entries_added - self.length + 1);
            }
        }
        None
    }

    /// A consumer group's lag, or `None` when it cannot be known (`streamReplyWithCGLag`).
    pub fn group_lag(&self, g: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != groups::INVALID_ENTRIES_READ && !self.range_has_tombstones(Some(g.last_id), None) {
            return Some(self.entries_added as i64 - g.entries_read);
        }
        self.estimate_distance(g.last_id).map(|read| self.entries_added as i64 - read as i64)
    }

    /// Memory estimate for MEMORY USAGE (`objectComputeSize` for streams: the nodes' listpacks,
    /// the tree, the groups with their PELs and consumers).
    pub fn mem_usage(&self) -> usize {
        let mut n = 64 + self.nodes.len() * 48;
        for node in self.nodes.values() {
            n += node.capacity();
        }
        for (name, g) in &self.groups {
            n += 64 + name.len() + g.pel.len() * 48;
            for (cname, c) in &g.consumers {
                n += 48 + cname.len() + c.pel.len() * 24;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests;

/// Radix-tree nodes under the prefix of length `depth` shared by all of `keys` (sorted, distinct).
fn rax_subtree(keys: &[[u8; 16]], depth: usize) -> usize {
    if depth == 16 {
        return 1;
    }
    let first = &keys[0];
    let last = &keys[keys.len() - 1];
    if first[depth] == last[depth] {
        // One child: a compressed node up to where the keys part (or end).
        let mut l = depth + 1;
        while l < 16 && first[l] == last[l] {
            l += 1;
        }
        return 1 + rax_subtree(keys, l);
    }
    let mut n = 1;
    let mut i = 0;
    while i < keys.len() {
        let c = keys[i][depth];
        let mut j = i + 1;
        while j < keys.len() && keys[j][depth] == c {
            j += 1;
        }
        n += rax_subtree(&keys[i..j], depth + 1);
        i = j;
    }
    n
}
