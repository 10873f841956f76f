//! One node of a stream: a listpack holding a "master entry" and then entries delta-encoded
//! against the node's master ID, byte for byte the layout of Redis's `t_stream.c`, so RDB files
//! and DUMP payloads carry the nodes as they are.
//!
//! ```text
//! master: | count | deleted | num-fields | field_1 | ... | field_N | 0 |
//! entry:  | flags | ms-diff | seq-diff | num-fields | field_1 | value_1 | ... | lp-count |
//!         (with SAMEFIELDS: | flags | ms-diff | seq-diff | value_1 | ... | value_N | lp-count |)
//! ```

use super::id::StreamId;
use crate::db::listpack::{self as lp, LpItem};

pub const FLAG_DELETED: i64 = 1;
pub const FLAG_SAMEFIELDS: i64 = 2;

/// Where the parts of a node's master entry are.
#[derive(Debug, Clone, Copy)]
pub struct Master {
    /// Live entries.
    pub count: i64,
    /// Entries flagged deleted.
    pub deleted: i64,
    pub num_fields: i64,
    /// Offset of the first master field.
    pub fields_off: usize,
    /// Offset of the first entry (after the master's terminating 0).
    pub first_entry: usize,
}

pub fn master(node: &[u8]) -> Master {
    let (count, p) = lp::get_int(node, lp::FIRST);
    let (deleted, p) = lp::get_int(node, p);
    let (num_fields, mut p) = lp::get_int(node, p);
    let fields_off = p;
    for _ in 0..num_fields.max(0) {
        p = lp::skip(node, p);
    }
    let first_entry = lp::skip(node, p);
    Master { count, deleted, num_fields, fields_off, first_entry }
}

/// One entry read from a node.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef {
    /// Offset of the entry's flags.
    pub off: usize,
    pub flags: i64,
    pub id: StreamId,
    pub num_fields: i64,
    /// Offset of the first field (own fields) or first value (SAMEFIELDS).
    pub data_off: usize,
    /// Offset of the next entry (after lp-count).
    pub next: usize,
}

impl EntryRef {
    pub fn deleted(&self) -> bool {
        self.flags & FLAG_DELETED != 0
    }

    /// Calls `f(field, value)` for each pair, in order.
    pub fn for_each_pair<'a>(&self, node: &'a [u8], m: &Master, mut f: impl FnMut(LpItem<'a>, LpItem<'a>)) {
        let mut p = self.data_off;
        if self.flags & FLAG_SAMEFIELDS != 0 {
            let mut fp = m.fields_off;
            for _ in 0..self.num_fields {
                let (field, nf) = lp::get(node, fp);
                let (value, nv) = lp::get(node, p);
                f(field, value);
                fp = nf;
                p = nv;
            }
        } else {
            for _ in 0..self.num_fields {
                let (field, nf) = lp::get(node, p);
                let (value, nv) = lp::get(node, nf);
                f(field, value);
                p = nv;
            }
        }
    }
}

/// Reads the entry at `off` (which must not be the end).
pub fn entry_at(node: &[u8], master_id: StreamId, m: &Master, off: usize) -> EntryRef {
    let (flags, p) = lp::get_int(node, off);
    let (ms_diff, p) = lp::get_int(node, p);
    let (seq_diff, mut p) = lp::get_int(node, p);
    let id = StreamId { ms: master_id.ms.wrapping_add(ms_diff as u64), seq: master_id.seq.wrapping_add(seq_diff as u64) };
    let num_fields = if flags & FLAG_SAMEFIELDS != 0 {
        m.num_fields
    } else {
        let (n, np) = lp::get_int(node, p);
        p = np;
        n
    };
    let data_off = p;
    let per = if flags & FLAG_SAMEFIELDS != 0 { 1 } else { 2 };
    for _ in 0..num_fields.max(0) * per {
        p = lp::skip(node, p);
    }
    let next = lp::skip(node, p); // lp-count
    EntryRef { off, flags, id, num_fields: num_fields.max(0), data_off, next }
}

/// The entries of a node, forwards.
pub struct Entries<'a> {
    node: &'a [u8],
    master_id: StreamId,
    pub m: Master,
    off: usize,
}

impl<'a> Entries<'a> {
    pub fn new(node: &'a [u8], master_id: StreamId) -> Self {
        let m = master(node);
        Entries { node, master_id, m, off: m.first_entry }
    }
}

impl Iterator for Entries<'_> {
    type Item = EntryRef;
    fn next(&mut self) -> Option<EntryRef> {
        if lp::at_end(self.node, self.off) {
            return None;
        }
        let e = entry_at(self.node, self.master_id, &self.m, self.off);
        if e.next <= self.off {
            return None;
        }
        self.off = e.next;
        Some(e)
    }
}

/// The offset of the last entry's flags (walking back over its lp-count), or `None` when the node
/// holds only its master entry.
pub fn last_entry_off(node: &[u8], m: &Master) -> Option<usize> {
    let count_off = lp::prev(node, node.len() - 1)?;
    if count_off < m.first_entry {
        return None;
    }
    let (n, _) = lp::get_int(node, count_off);
    let mut p = count_off;
    for _ in 0..n {
        p = lp::prev(node, p)?;
    }
    (p >= m.first_entry).then_some(p)
}

/// The offset of the entry before the one at `off`, walking back over its lp-count; `None` at the
/// node's first entry.
pub fn prev_entry_off(node: &[u8], m: &Master, off: usize) -> Option<usize> {
    if off <= m.first_entry {
        return None;
    }
    let count_off = lp::prev(node, off)?;
    let (n, _) = lp::get_int(node, count_off);
    let mut p = count_off;
    for _ in 0..n {
        p = lp::prev(node, p)?;
    }
    (p >= m.first_entry).then_some(p)
}

/// A new node whose master entry takes `fields`, holding its first entry (`id` is the master ID).
pub fn new_node(fields_values: &[&[u8]], prealloc: usize) -> Vec<u8> {
    let n = (fields_values.len() / 2) as i64;
    let mut node = lp::new_blob(prealloc);
    lp::append_int(&mut node, 1);
    lp::append_int(&mut node, 0);
    lp::append_int(&mut node, n);
    for f in fields_values.iter().step_by(2) {
        lp::append(&mut node, f);
    }
    lp::append_int(&mut node, 0);
    append_entry(&mut node, 0, 0, FLAG_SAMEFIELDS, fields_values);
    node
}

/// Appends an entry at the end of a node (its master count is updated by the caller).
pub fn append_entry(node: &mut Vec<u8>, ms_diff: i64, seq_diff: i64, flags: i64, fields_values: &[&[u8]]) {
    let n = (fields_values.len() / 2) as i64;
    lp::append_int(node, flags);
    lp::append_int(node, ms_diff);
    lp::append_int(node, seq_diff);
    let same = flags & FLAG_SAMEFIELDS != 0;
    if !same {
        lp::append_int(node, n);
    }
    for pair in fields_values.chunks_exact(2) {
        if !same {
            lp::append(node, pair[0]);
        }
        lp::append(node, pair[1]);
    }
    lp::append_int(node, if same { n + 3 } else { 2 * n + 4 });
}

/// True when `fields_values`'s fields are the master entry's, in order.
pub fn same_fields(node: &[u8], m: &Master, fields_values: &[&[u8]]) -> bool {
    if m.num_fields as usize != fields_values.len() / 2 {
        return false;
    }
    let mut p = m.fields_off;
    for f in fields_values.iter().step_by(2) {
        let (item, next) = lp::get(node, p);
        let same = match item {
            LpItem::Str(s) => s == *f,
            LpItem::Int(v) => crate::util::parse_i64(f) == Some(v),
        };
        if !same {
            return false;
        }
        p = next;
    }
    true
}

/// Sets the master entry's counts.
pub fn set_counts(node: &mut Vec<u8>, count: i64, deleted: i64) {
    let p = lp::replace_int(node, lp::FIRST, count);
    lp::replace_int(node, p, deleted);
}

/// Flags the entry at `off` deleted (flags stay one byte, so nothing moves).
pub fn mark_deleted(node: &mut Vec<u8>, off: usize) {
    let (flags, _) = lp::get_int(node, off);
    lp::replace_int(node, off, flags | FLAG_DELETED);
}

/// Checks a node loaded from an RDB file or a DUMP payload (`streamValidateListpackIntegrity`,
/// deep mode): the listpack itself, the master entry, and that every entry has its parts and a
/// matching lp-count. Returns the live and deleted counts.
pub fn validate(node: &[u8]) -> Result<(i64, i64), &'static str> {
    let items = lp::decode(node).map_err(|e| e.0)?;
    lp::check_backlens(node).map_err(|e| e.0)?;
    let int = |i: usize| -> Result<i64, &'static str> {
        match items.get(i) {
            Some(LpItem::Int(v)) => Ok(*v),
            Some(LpItem::Str(s)) => crate::util::parse_i64(s).ok_or("stream listpack element is not an integer"),
            None => Err("stream listpack ends early"),
        }
    };
    if items.is_empty() {
        return Err("Empty listpack inside stream");
    }
    let count = int(0)?;
    let deleted = int(1)?;
    let master_fields = int(2)?;
    if count < 0 || deleted < 0 || master_fields < 0 || master_fields as usize > items.len() {
        return Err("bad stream master entry");
    }
    let mut i = 3 + master_fields as usize;
    if int(i)? != 0 {
        return Err("stream master entry without its terminator");
    }
    i += 1;
    let (mut live, mut dead) = (0i64, 0i64);
    for _ in 0..count.saturating_add(deleted) {
        let flags = int(i)?;
        int(i + 1)?;
        int(i + 2)?;
        i += 3;
        let (fields, extra) = if flags & FLAG_SAMEFIELDS != 0 {
            (master_fields, 3)
        } else {
            let n = int(i)?;
            if n < 0 || n as usize > items.len() {
                return Err("bad stream entry field count");
            }
            i += 1;
            (n, 3 + n + 1)
        };
        i += if flags & FLAG_SAMEFIELDS != 0 { fields as usize } else { 2 * fields as usize };
        if int(i)? != fields + extra {
            return Err("stream entry lp-count does not match");
        }
        i += 1;
        if flags & FLAG_DELETED != 0 {
            dead += 1;
        } else {
            live += 1;
        }
    }
    if i != items.len() {
        return Err("stream listpack has more entries than its master entry counts");
    }
    if live != count || dead != deleted {
        return Err("stream master entry counts do not match its entries");
    }
    Ok((count, deleted))
}
