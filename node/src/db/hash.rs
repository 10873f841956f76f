//! Hash values: `listpack` (insertion order) below `hash-max-listpack-*`, then `hashtable`.

use super::table::Table;
use super::types::EncodingLimits;
use super::Elem;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_converts_on_size() {
        let lim = EncodingLimits { hash_max_entries: 2, ..Default::default() };
        let mut h = HashVal::default();
        assert!(h.set(b"a", b"1", &lim));
        assert!(!h.set(b"a", b"2", &lim));
        assert!(h.set(b"b", b"1", &lim));
        assert_eq!(h.encoding(), "listpack");
        assert!(h.set(b"c", b"1", &lim));
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"a"), Some(&b"2"[..]));
    }
}
