//! Hash values: `listpack` (insertion order) below `hash-max-listpack-*`, then `hashtable`.
//!
//! Conversion rules follow Redis 7.0's `t_hash.c`: a listpack hash becomes a table when it would
//! hold more than `hash-max-listpack-entries` fields, or when a field or value longer than
//! `hash-max-listpack-value` is written (`hashTypeTryConversion` checks a whole command's arguments
//! up front, `hashTypeSet` each pair). A table never converts back.

use std::collections::HashSet;

use super::slot_table::Table;
use super::types::EncodingLimits;
use super::Elem;
use crate::util::Rng;

#[derive(Debug)]
pub enum HashVal {
    /// `listpack`: insertion order.
    Small(Vec<(Elem, Elem)>),
    /// `hashtable`.
    Table(Table<(Elem, Elem)>),
}

impl Default for HashVal {
    fn default() -> Self {
        HashVal::Small(Vec::new())
    }
}

impl HashVal {
    pub fn encoding(&self) -> &'static str {
        match self {
            HashVal::Small(_) => "listpack",
            HashVal::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            HashVal::Small(v) => v.len(),
            HashVal::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            HashVal::Small(v) => v.iter().find(|(f, _)| &**f == field).map(|(_, v)| &**v),
            HashVal::Table(t) => t.get(field).map(|(_, v)| &**v),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Redis's `hashTypeTryConversion`: a listpack hash becomes a table as soon as one of the
    /// strings a command is about to write is longer than `hash-max-listpack-value`.
    pub fn try_conversion<'a>(&mut self, mut args: impl Iterator<Item = &'a [u8]>, lim: &EncodingLimits) {
        if matches!(self, HashVal::Small(_)) && args.any(|a| a.len() > lim.hash_max_value) {
            self.convert();
        }
    }

    /// Sets a field; returns true if the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], lim: &EncodingLimits) -> bool {
        if let HashVal::Small(v) = self {
            if field.len() > lim.hash_max_value || value.len() > lim.hash_max_value {
                self.convert();
            } else if let Some(slot) = v.iter_mut().find(|(f, _)| &**f == field) {
                slot.1 = value.into();
                return false;
            } else if v.len() < lim.hash_max_entries {
                v.push((field.into(), value.into()));
                return true;
            } else {
                self.convert();
            }
        }
        match self {
            HashVal::Table(t) => t.insert((field.into(), value.into())).1.is_none(),
            HashVal::Small(_) => unreachable!("converted above"),
        }
    }

    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            HashVal::Small(v) => match v.iter().position(|(f, _)| &**f == field) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            HashVal::Table(t) => t.remove(field).is_some(),
        }
    }

    fn convert(&mut self) {
        if let HashVal::Small(v) = self {
            let mut t = Table::with_capacity(v.len());
            for pair in v.drain(..) {
                t.insert(pair);
            }
            *self = HashVal::Table(t);
        }
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &[u8])> + '_> {
        match self {
            HashVal::Small(v) => Box::new(v.iter().map(|(f, v)| (&**f, &**v))),
            HashVal::Table(t) => Box::new(t.iter().map(|(f, v)| (&**f, &**v))),
        }
    }

    /// A uniformly random field and its value.
    pub fn random(&self, rng: &mut Rng) -> Option<(&[u8], &[u8])> {
        match self {
            HashVal::Small(v) if v.is_empty() => None,
            HashVal::Small(v) => v.get(rng.below(v.len())).map(|(f, v)| (&**f, &**v)),
            HashVal::Table(t) => t.random(rng).map(|(f, v)| (&**f, &**v)),
        }
    }

    /// `count` distinct random fields (`count` < len). A listpack keeps its own order, like Redis's
    /// `lpRandomPairsUnique`; a table returns them in the order they were drawn.
    pub fn sample_unique(&self, count: usize, rng: &mut Rng) -> Vec<(&[u8], &[u8])> {
        match self {
            HashVal::Small(v) => select_in_order(v.len(), count, rng).into_iter().map(|i| (&*v[i].0, &*v[i].1)).collect(),
            HashVal::Table(t) => {
                let mut seen = HashSet::with_capacity(count);
                let mut out = Vec::with_capacity(count);
                while out.len() < count.min(t.len()) {
                    let Some(slot) = t.random_slot(rng) else { break };
                    if seen.insert(slot) {
                        if let Some((f, v)) = t.at(slot) {
                            out.push((&**f, &**v));
                        }
                    }
                }
                out
            }
        }
    }

    /// HSCAN: a listpack is returned whole with cursor 0 (Redis does the same); a table is walked
    /// from `cursor`, about `count` slots at a time. Returns the next cursor.
    pub fn scan<'a>(&'a self, cursor: u64, count: usize, mut f: impl FnMut(&'a [u8], &'a [u8])) -> u64 {
        match self {
            HashVal::Small(v) => {
                for (k, val) in v {
                    f(k, val);
                }
                0
            }
            HashVal::Table(t) => scan_slots(t.slot_count(), cursor, count, |slot| {
                if let Some((k, val)) = t.at(slot) {
                    f(k, val);
                }
            }),
        }
    }

    pub fn mem_usage(&self) -> usize {
        let items: usize = self.iter().map(|(f, v)| f.len() + v.len() + 32).sum();
        items
            + match self {
                HashVal::Small(v) => v.capacity() * 32,
                HashVal::Table(t) => t.overhead_bytes(),
            }
    }

    pub fn deep_clone(&self) -> HashVal {
        match self {
            HashVal::Small(v) => HashVal::Small(v.clone()),
            HashVal::Table(t) => {
                let mut n = Table::with_capacity(t.len());
                for (f, v) in t.iter() {
                    n.insert((f.clone(), v.clone()));
                }
                HashVal::Table(n)
            }
        }
    }
}

/// `Table::scan` with the items' lifetime: visits about `count` slots from `cursor` and returns
/// the next cursor (0 when done).
pub fn scan_slots(slots: usize, cursor: u64, count: usize, mut visit: impl FnMut(u32)) -> u64 {
    let start = cursor.min(slots as u64) as usize;
    let end = start.saturating_add(count.max(1)).min(slots);
    for slot in start..end {
        visit(slot as u32);
    }
    if end >= slots {
        0
    } else {
        end as u64
    }
}

/// Picks `count` of the indexes `0..len` uniformly, in increasing order (Knuth's selection
/// sampling, as Redis's `lpRandomPairsUnique` does).
pub fn select_in_order(len: usize, count: usize, rng: &mut Rng) -> Vec<usize> {
    let mut out = Vec::with_capacity(count.min(len));
    let mut needed = count.min(len);
    for i in 0..len {
        if needed == 0 {
            break;
        }
        // Take index i with probability needed / remaining.
        if rng.below(len - i) < needed {
            out.push(i);
            needed -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(entries: usize, value: usize) -> EncodingLimits {
        EncodingLimits { hash_max_entries: entries, hash_max_value: value, ..Default::default() }
    }

    #[test]
    fn hash_converts_on_size() {
        let lim = lim(2, 64);
        let mut h = HashVal::default();
        assert!(h.set(b"a", b"1", &lim));
        assert!(!h.set(b"a", b"2", &lim));
        assert!(h.set(b"b", b"1", &lim));
        assert_eq!(h.encoding(), "listpack");
        // Updating an existing field of a full listpack does not convert it.
        assert!(!h.set(b"b", b"3", &lim));
        assert_eq!(h.encoding(), "listpack");
        assert!(h.set(b"c", b"1", &lim));
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"a"), Some(&b"2"[..]));
        // A table never goes back, even when it shrinks.
        h.remove(b"a");
        h.remove(b"b");
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn hash_converts_on_long_field_or_value() {
        let lim = lim(128, 4);
        let mut h = HashVal::default();
        h.set(b"f", b"1234", &lim);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f", b"12345", &lim);
        assert_eq!(h.encoding(), "hashtable");
        let mut h = HashVal::default();
        h.set(b"field", b"1", &lim);
        assert_eq!(h.encoding(), "hashtable");
        // A zero entry limit converts on the first insert, like Redis (len > max after insert).
        let mut h = HashVal::default();
        h.set(b"a", b"1", &self::lim(0, 64));
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn try_conversion_checks_every_argument() {
        let lim = lim(128, 3);
        let mut h = HashVal::default();
        h.set(b"a", b"1", &lim);
        h.try_conversion([&b"a"[..], b"xyz"].into_iter(), &lim);
        assert_eq!(h.encoding(), "listpack");
        h.try_conversion([&b"a"[..], b"wxyz"].into_iter(), &lim);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"a"), Some(&b"1"[..]));
    }

    #[test]
    fn listpack_keeps_insertion_order() {
        let lim = lim(128, 64);
        let mut h = HashVal::default();
        for f in ["z", "a", "m"] {
            h.set(f.as_bytes(), b"v", &lim);
        }
        h.set(b"a", b"w", &lim);
        h.remove(b"z");
        h.set(b"z", b"v", &lim);
        let fields: Vec<&[u8]> = h.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![&b"a"[..], b"m", b"z"]);
        let mut seen = Vec::new();
        assert_eq!(h.scan(12345, 1, |f, _| seen.push(f.to_vec())), 0);
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn sampling() {
        let mut rng = Rng::seeded();
        for (n, k) in [(10, 3), (10, 10), (5, 0), (1000, 999)] {
            let idx = select_in_order(n, k, &mut rng);
            assert_eq!(idx.len(), k);
            assert!(idx.windows(2).all(|w| w[0] < w[1]));
        }
        let lim = lim(4, 64);
        let mut h = HashVal::default();
        for i in 0..100 {
            h.set(format!("f{i}").as_bytes(), b"v", &lim);
        }
        let s = h.sample_unique(30, &mut rng);
        let uniq: HashSet<&[u8]> = s.iter().map(|(f, _)| *f).collect();
        assert_eq!(uniq.len(), 30);
        assert!(h.random(&mut rng).is_some());
        let mut cursor = 0;
        let mut all = HashSet::new();
        loop {
            cursor = h.scan(cursor, 7, |f, _| {
                all.insert(f.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(all.len(), 100);
    }
}
