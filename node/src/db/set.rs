//! Set values: `intset` (sorted integers) while every member is an integer and the set is small,
//! then `hashtable`.
//!
//! Conversion rules follow Redis 7.0's `t_set.c`: a member that is not a canonical integer
//! (`string2ll`), or growing past `set-max-intset-entries`, turns an intset into a table. Removing
//! members never converts back; only commands that build a new set (SPOP with a big count,
//! SINTERSTORE …) can produce an intset again, and they do it by adding members one by one the way
//! Redis does (`from_members`).

use std::collections::HashSet;

use super::hash::{scan_slots, select_in_order};
use super::slot_table::Table;
use super::types::EncodingLimits;
use super::Elem;
use crate::util::{parse_i64, Rng};

#[derive(Debug)]
pub enum SetVal {
    /// `intset`: sorted integers.
    Ints(Vec<i64>),
    /// `hashtable`.
    Table(Table<Elem>),
}

impl Default for SetVal {
    fn default() -> Self {
        SetVal::Ints(Vec::new())
    }
}

/// A set member as read from a set: intsets hold integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl Member<'_> {
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Member::Bytes(b) => b.to_vec(),
            Member::Int(n) => n.to_string().into_bytes(),
        }
    }
}

impl SetVal {
    pub fn encoding(&self) -> &'static str {
        match self {
            SetVal::Ints(_) => "intset",
            SetVal::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SetVal::Ints(v) => v.len(),
            SetVal::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            SetVal::Ints(v) => parse_i64(m).is_some_and(|n| v.binary_search(&n).is_ok()),
            SetVal::Table(t) => t.contains(m),
        }
    }

    /// `contains` for a member read from another set (no formatting when both are intsets).
    pub fn contains_member(&self, m: Member) -> bool {
        match (self, m) {
            (SetVal::Ints(v), Member::Int(n)) => v.binary_search(&n).is_ok(),
            (_, Member::Bytes(b)) => self.contains(b),
            (SetVal::Table(t), Member::Int(n)) => t.contains(n.to_string().as_bytes()),
        }
    }

    /// Adds a member; returns true if it was new.
    pub fn add(&mut self, m: &[u8], lim: &EncodingLimits) -> bool {
        match parse_i64(m) {
            Some(n) if matches!(self, SetVal::Ints(_)) => self.add_int(n, lim),
            _ => {
                self.convert();
                match self {
                    SetVal::Table(t) => t.insert(m.into()).1.is_none(),
                    SetVal::Ints(_) => unreachable!("converted above"),
                }
            }
        }
    }

    /// Adds an integer member, keeping the intset while it stays within `set-max-intset-entries`.
    fn add_int(&mut self, n: i64, lim: &EncodingLimits) -> bool {
        if let SetVal::Ints(v) = self {
            match v.binary_search(&n) {
                Ok(_) => return false,
                Err(pos) if v.len() < lim.set_max_intset => {
                    v.insert(pos, n);
                    return true;
                }
                Err(_) => self.convert(),
            }
        }
        match self {
            SetVal::Table(t) => t.insert(n.to_string().into_bytes().into_boxed_slice()).1.is_none(),
            SetVal::Ints(_) => unreachable!("converted above"),
        }
    }

    /// Adds a member read from another set.
    pub fn add_member(&mut self, m: Member, lim: &EncodingLimits) -> bool {
        match m {
            Member::Int(n) => self.add_int(n, lim),
            Member::Bytes(b) => self.add(b, lim),
        }
    }

    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            SetVal::Ints(v) => match parse_i64(m).map(|n| v.binary_search(&n)) {
                Some(Ok(i)) => {
                    v.remove(i);
                    true
                }
                _ => false,
            },
            SetVal::Table(t) => t.remove(m).is_some(),
        }
    }

    /// Removes a member read from another set.
    pub fn remove_member(&mut self, m: Member) -> bool {
        match (&mut *self, m) {
            (SetVal::Ints(v), Member::Int(n)) => match v.binary_search(&n) {
                Ok(i) => {
                    v.remove(i);
                    true
                }
                Err(_) => false,
            },
            (_, Member::Bytes(b)) => self.remove(b),
            (SetVal::Table(t), Member::Int(n)) => t.remove(n.to_string().as_bytes()).is_some(),
        }
    }

    fn convert(&mut self) {
        if let SetVal::Ints(v) = self {
            let mut t = Table::with_capacity(v.len() + 1);
            for n in v.iter() {
                t.insert(n.to_string().into_bytes().into_boxed_slice());
            }
            *self = SetVal::Table(t);
        }
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = Member<'_>> + '_> {
        match self {
            SetVal::Ints(v) => Box::new(v.iter().map(|n| Member::Int(*n))),
            SetVal::Table(t) => Box::new(t.iter().map(|m| Member::Bytes(m))),
        }
    }

    pub fn members(&self) -> Vec<Vec<u8>> {
        self.iter().map(|m| m.to_vec()).collect()
    }

    /// A uniformly random member.
    pub fn random(&self, rng: &mut Rng) -> Option<Member<'_>> {
        match self {
            SetVal::Ints(v) if v.is_empty() => None,
            SetVal::Ints(v) => Some(Member::Int(v[rng.below(v.len())])),
            SetVal::Table(t) => t.random(rng).map(|m| Member::Bytes(m)),
        }
    }

    /// Removes and returns a uniformly random member.
    pub fn pop_random(&mut self, rng: &mut Rng) -> Option<Vec<u8>> {
        match self {
            SetVal::Ints(v) if v.is_empty() => None,
            SetVal::Ints(v) => Some(v.remove(rng.below(v.len())).to_string().into_bytes()),
            SetVal::Table(t) => {
                let slot = t.random_slot(rng)?;
                t.remove_at(slot).map(|m| m.into_vec())
            }
        }
    }

    /// `count` distinct random members (`count` < len): an intset in its sorted order, a table in
    /// the order they were drawn.
    pub fn sample_unique(&self, count: usize, rng: &mut Rng) -> Vec<Member<'_>> {
        match self {
            SetVal::Ints(v) => select_in_order(v.len(), count, rng).into_iter().map(|i| Member::Int(v[i])).collect(),
            SetVal::Table(t) => {
                let mut seen = HashSet::with_capacity(count);
                let mut out = Vec::with_capacity(count);
                while out.len() < count.min(t.len()) {
                    let Some(slot) = t.random_slot(rng) else { break };
                    if seen.insert(slot) {
                        if let Some(m) = t.at(slot) {
                            out.push(Member::Bytes(m));
                        }
                    }
                }
                out
            }
        }
    }

    /// SSCAN: an intset is returned whole with cursor 0 (as in Redis); a table is walked from
    /// `cursor`, about `count` slots at a time. Returns the next cursor.
    pub fn scan<'a>(&'a self, cursor: u64, count: usize, mut f: impl FnMut(Member<'a>)) -> u64 {
        match self {
            SetVal::Ints(v) => {
                for n in v {
                    f(Member::Int(*n));
                }
                0
            }
            SetVal::Table(t) => scan_slots(t.slot_count(), cursor, count, |slot| {
                if let Some(m) = t.at(slot) {
                    f(Member::Bytes(m));
                }
            }),
        }
    }

    pub fn mem_usage(&self) -> usize {
        match self {
            SetVal::Ints(v) => v.capacity() * 8,
            SetVal::Table(t) => t.overhead_bytes() + t.iter().map(|m| m.len() + 16).sum::<usize>(),
        }
    }

    pub fn deep_clone(&self) -> SetVal {
        match self {
            SetVal::Ints(v) => SetVal::Ints(v.clone()),
            SetVal::Table(t) => {
                let mut n = Table::with_capacity(t.len());
                for m in t.iter() {
                    n.insert(m.clone());
                }
                SetVal::Table(n)
            }
        }
    }

    /// Builds a set from members with the encoding Redis would pick (an empty intset to which the
    /// members are added in order, like `createIntsetObject` + `setTypeAdd`).
    pub fn from_members<'a>(members: impl Iterator<Item = &'a [u8]>, lim: &EncodingLimits) -> SetVal {
        let mut s = SetVal::default();
        for m in members {
            s.add(m, lim);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(n: usize) -> EncodingLimits {
        EncodingLimits { set_max_intset: n, ..Default::default() }
    }

    #[test]
    fn intset_sorted_then_table() {
        let lim = EncodingLimits::default();
        let mut s = SetVal::default();
        for m in ["3", "1", "2"] {
            s.add(m.as_bytes(), &lim);
        }
        assert_eq!(s.members(), vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        s.add(b"x", &lim);
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"2") && s.contains(b"x"));
        // Removing the non-integer keeps the table.
        s.remove(b"x");
        assert_eq!(s.encoding(), "hashtable");
    }

    #[test]
    fn intset_converts_past_max_entries() {
        let lim = lim(3);
        let mut s = SetVal::default();
        for m in ["1", "2", "3"] {
            assert!(s.add(m.as_bytes(), &lim));
        }
        assert!(!s.add(b"3", &lim));
        assert_eq!(s.encoding(), "intset");
        assert!(s.add(b"4", &lim));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 4);
        let mut z = SetVal::default();
        z.add(b"1", &self::lim(0));
        assert_eq!(z.encoding(), "hashtable");
    }

    #[test]
    fn non_canonical_integers_are_strings() {
        let lim = EncodingLimits::default();
        for m in ["01", "+1", " 1", "1.0", "-0", "9223372036854775808"] {
            let mut s = SetVal::default();
            s.add(m.as_bytes(), &lim);
            assert_eq!(s.encoding(), "hashtable", "{m}");
            assert!(s.contains(m.as_bytes()));
        }
        let mut s = SetVal::default();
        s.add(b"-9223372036854775808", &lim);
        assert_eq!(s.encoding(), "intset");
        assert!(!s.contains(b"1") && s.contains(b"-9223372036854775808"));
    }

    #[test]
    fn members_across_encodings() {
        let lim = EncodingLimits::default();
        let ints = SetVal::from_members([&b"5"[..], b"7"].into_iter(), &lim);
        let mut table = SetVal::from_members([&b"5"[..], b"a"].into_iter(), &lim);
        assert!(table.contains_member(Member::Int(5)));
        assert!(ints.contains_member(Member::Bytes(b"7")));
        assert!(!ints.contains_member(Member::Bytes(b"a")));
        assert!(table.remove_member(Member::Int(5)));
        assert_eq!(table.len(), 1);
        let mut d = SetVal::default();
        for m in ints.iter() {
            d.add_member(m, &lim);
        }
        assert_eq!(d.encoding(), "intset");
        assert_eq!(d.members(), ints.members());
    }

    #[test]
    fn random_pop_and_scan() {
        let mut rng = Rng::seeded();
        let lim = EncodingLimits::default();
        for base in ["", "m"] {
            let mut s = SetVal::default();
            for i in 0..50 {
                s.add(format!("{base}{i}").as_bytes(), &lim);
            }
            assert!(s.random(&mut rng).is_some());
            let sample = s.sample_unique(20, &mut rng);
            let uniq: HashSet<Vec<u8>> = sample.iter().map(|m| m.to_vec()).collect();
            assert_eq!(uniq.len(), 20);
            let mut seen = HashSet::new();
            let mut cursor = 0;
            loop {
                cursor = s.scan(cursor, 5, |m| {
                    seen.insert(m.to_vec());
                });
                if cursor == 0 {
                    break;
                }
            }
            assert_eq!(seen.len(), 50);
            let mut popped = HashSet::new();
            while let Some(m) = s.pop_random(&mut rng) {
                assert!(popped.insert(m));
            }
            assert_eq!(popped.len(), 50);
            assert!(s.is_empty());
        }
    }
}
