//! Sorted-set values: `listpack` (sorted by score, then member) while small, then `skiplist`
//! (a member table plus an ordered index).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::table::Table;
use super::types::EncodingLimits;
use super::Elem;


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

#[derive(Debug)]
pub enum ZSet {
    /// `listpack`: (member, score) sorted by score, then member.
    Small(Vec<(Elem, f64)>),
    /// `skiplist`: a member→score table plus an ordered index.
    Big { dict: Table<(Elem, f64)>, order: BTreeSet<(Score, Elem)> },
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::Small(Vec::new())
    }
}

fn zcmp(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    Score(a.0).cmp(&Score(b.0)).then_with(|| a.1.cmp(b.1))
}

impl ZSet {
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Small(_) => "listpack",
            ZSet::Big { .. } => "skiplist",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ZSet::Small(v) => v.len(),
            ZSet::Big { dict, .. } => dict.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn score(&self, m: &[u8]) -> Option<f64> {
        match self {
            ZSet::Small(v) => v.iter().find(|(x, _)| &**x == m).map(|(_, s)| *s),
            ZSet::Big { dict, .. } => dict.get(m).map(|(_, s)| *s),
        }
    }

    /// Inserts or updates a member's score; returns true if the member is new.
    pub fn insert(&mut self, m: &[u8], score: f64, lim: &EncodingLimits) -> bool {
        if let ZSet::Small(v) = self {
            let existing = v.iter().position(|(x, _)| &**x == m);
            let fits = m.len() <= lim.zset_max_value && (existing.is_some() || v.len() < lim.zset_max_entries);
            if fits {
                let is_new = existing.is_none();
                if let Some(i) = existing {
                    v.remove(i);
                }
                let pos = v.partition_point(|(x, s)| zcmp((*s, x), (score, m)) == Ordering::Less);
                v.insert(pos, (m.into(), score));
                return is_new;
            }
            self.convert();
        }
        match self {
            ZSet::Big { dict, order } => {
                let (_, old) = dict.insert((m.into(), score));
                if let Some((old_m, old_s)) = &old {
                    order.remove(&(Score(*old_s), old_m.clone()));
                }
                order.insert((Score(score), m.into()));
                old.is_none()
            }
            ZSet::Small(_) => unreachable!("converted above"),
        }
    }

    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            ZSet::Small(v) => match v.iter().position(|(x, _)| &**x == m) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            ZSet::Big { dict, order } => match dict.remove(m) {
                Some((m, s)) => {
                    order.remove(&(Score(s), m));
                    true
                }
                None => false,
            },
        }
    }

    fn convert(&mut self) {
        if let ZSet::Small(v) = self {
            let mut dict = Table::with_capacity(v.len() + 1);
            let mut order = BTreeSet::new();
            for (m, s) in v.drain(..) {
                order.insert((Score(s), m.clone()));
                dict.insert((m, s));
            }
            *self = ZSet::Big { dict, order };
        }
    }

    /// Members in ascending (score, member) order.
    pub fn iter(&self) -> Box<dyn DoubleEndedIterator<Item = (&[u8], f64)> + '_> {
        match self {
            ZSet::Small(v) => Box::new(v.iter().map(|(m, s)| (&**m, *s))),
            ZSet::Big { order, .. } => Box::new(order.iter().map(|(s, m)| (&**m, s.0))),
        }
    }

    /// 0-based rank of a member in ascending order.
    pub fn rank(&self, m: &[u8]) -> Option<usize> {
        match self {
            ZSet::Small(v) => v.iter().position(|(x, _)| &**x == m),
            ZSet::Big { dict, order } => {
                let (_, s) = dict.get(m)?;
                Some(order.range(..(Score(*s), Elem::from(m))).count())
            }
        }
    }

    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Small(v) => v.iter().map(|(m, _)| m.len() + 24).sum::<usize>() + v.capacity() * 24,
            ZSet::Big { dict, .. } => dict.overhead_bytes() + dict.iter().map(|(m, _)| 2 * m.len() + 96).sum::<usize>(),
        }
    }

    pub fn deep_clone(&self) -> ZSet {
        match self {
            ZSet::Small(v) => ZSet::Small(v.clone()),
            ZSet::Big { dict, order } => {
                let mut d = Table::with_capacity(dict.len());
                for (m, s) in dict.iter() {
                    d.insert((m.clone(), *s));
                }
                ZSet::Big { dict: d, order: order.clone() }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let order: Vec<_> = z.iter().map(|(m, _)| m.to_vec()).collect();
        assert_eq!(order, vec![b"c".to_vec(), b"a".to_vec(), b"b".to_vec(), b"d".to_vec()]);
        assert!(!z.insert(b"c", 3.0, &lim));
        assert_eq!(z.rank(b"c"), Some(3));
        assert!(z.remove(b"a"));
        assert_eq!(z.len(), 3);
    }
}
