//! Set values: `intset` (sorted integers) while every member is an integer and the set is small,
//! then `hashtable`.

use super::table::Table;
use super::types::EncodingLimits;
use super::Elem;
use crate::util::parse_i64;

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

    /// Adds a member; returns true if it was new.
    pub fn add(&mut self, m: &[u8], lim: &EncodingLimits) -> bool {
        if let SetVal::Ints(v) = self {
            match parse_i64(m) {
                Some(n) => match v.binary_search(&n) {
                    Ok(_) => return false,
                    Err(pos) if v.len() < lim.set_max_intset => {
                        v.insert(pos, n);
                        return true;
                    }
                    Err(_) => self.convert(),
                },
                None => self.convert(),
            }
        }
        match self {
            SetVal::Table(t) => t.insert(m.into()).1.is_none(),
            SetVal::Ints(_) => unreachable!("converted above"),
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

    /// Builds a set from members with the encoding Redis would pick.
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
    }
}
