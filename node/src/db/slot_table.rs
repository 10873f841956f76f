//! `Table`: a hash table whose items live in stable slots.
//!
//! Items sit in a `Vec` of slots and a SwissTable maps each key to its slot number. A slot keeps its
//! number for as long as its item lives, which gives SCAN Redis's guarantee (an item present for the
//! whole scan is returned) with the slot number as cursor, and makes picking a random item O(1).
//! Items are stored inline in the slots, so a key costs one slot plus five bytes of index.

use hashbrown::hash_table::{Entry as TableEntry, HashTable};
use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;

use crate::util::Rng;

/// Anything stored in a `Table` is found by a byte-string key.
pub trait Keyed {
    fn key(&self) -> &[u8];
}

impl Keyed for Box<[u8]> {
    fn key(&self) -> &[u8] {
        self
    }
}

impl<V> Keyed for (Box<[u8]>, V) {
    fn key(&self) -> &[u8] {
        &self.0
    }
}

pub struct Table<T: Keyed> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// Bumped whenever slot numbers change (compaction), so holders of slot numbers can refresh.
    generation: u64,
}

impl<T: Keyed> Default for Table<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Keyed> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Table(len={})", self.len())
    }
}

impl<T: Keyed> Table<T> {
    pub fn new() -> Self {
        Table { slots: Vec::new(), free: Vec::new(), index: HashTable::new(), hasher: DefaultHashBuilder::default(), generation: 0 }
    }

    pub fn with_capacity(n: usize) -> Self {
        Table {
            slots: Vec::with_capacity(n),
            free: Vec::new(),
            index: HashTable::with_capacity(n),
            hasher: DefaultHashBuilder::default(),
            generation: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Changes whenever slot numbers are reassigned.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Makes room for `n` more items (RDB loading knows the size up front).
    pub fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
        let Table { slots, index, hasher, .. } = self;
        index.reserve(n, |&x| hasher.hash_one(slots[x as usize].as_ref().map(|it| it.key()).unwrap_or(&[])));
    }

    /// As [`Self::reserve`], but false (instead of an abort) when the allocator refuses the size.
    pub fn try_reserve(&mut self, n: usize) -> bool {
        if self.slots.try_reserve(n).is_err() {
            return false;
        }
        let Table { slots, index, hasher, .. } = self;
        index.try_reserve(n, |&x| hasher.hash_one(slots[x as usize].as_ref().map(|it| it.key()).unwrap_or(&[]))).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The slot holding `key`, if present.
    pub fn slot_of(&self, key: &[u8]) -> Option<u32> {
        let h = self.hash(key);
        let slots = &self.slots;
        self.index.find(h, |&s| slots[s as usize].as_ref().is_some_and(|it| it.key() == key)).copied()
    }

    pub fn get(&self, key: &[u8]) -> Option<&T> {
        let s = self.slot_of(key)?;
        self.slots[s as usize].as_ref()
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut T> {
        let s = self.slot_of(key)?;
        self.slots[s as usize].as_mut()
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.slot_of(key).is_some()
    }

    pub fn at(&self, slot: u32) -> Option<&T> {
        self.slots.get(slot as usize).and_then(|s| s.as_ref())
    }

    pub fn at_mut(&mut self, slot: u32) -> Option<&mut T> {
        self.slots.get_mut(slot as usize).and_then(|s| s.as_mut())
    }

    /// Inserts `item`, replacing (and returning) any item with the same key, which keeps its slot.
    /// Returns the slot and the replaced item.
    pub fn insert(&mut self, item: T) -> (u32, Option<T>) {
        let h = self.hash(item.key());
        let Table { slots, free, index, hasher, .. } = self;
        let found = index.find(h, |&s| slots[s as usize].as_ref().is_some_and(|it| it.key() == item.key())).copied();
        if let Some(s) = found {
            let old = slots[s as usize].replace(item);
            return (s, old);
        }
        let s = match free.pop() {
            Some(s) => {
                slots[s as usize] = Some(item);
                s
            }
            None => {
                slots.push(Some(item));
                (slots.len() - 1) as u32
            }
        };
        index.insert_unique(h, s, |&x| hasher.hash_one(slots[x as usize].as_ref().map(|it| it.key()).unwrap_or(&[])));
        (s, None)
    }

    /// Removes the item with `key`, freeing its slot.
    pub fn remove(&mut self, key: &[u8]) -> Option<T> {
        let h = self.hash(key);
        let Table { slots, free, index, .. } = self;
        match index.find_entry(h, |&s| slots[s as usize].as_ref().is_some_and(|it| it.key() == key)) {
            Ok(e) => {
                let (s, _) = e.remove();
                free.push(s);
                let item = slots[s as usize].take();
                self.maybe_shrink();
                item
            }
            Err(_) => None,
        }
    }

    /// Removes the item in `slot`.
    pub fn remove_at(&mut self, slot: u32) -> Option<T> {
        let key: Vec<u8> = self.at(slot)?.key().to_vec();
        self.remove(&key)
    }

    /// When a table empties out, give its memory back (Redis shrinks its dicts the same way).
    fn maybe_shrink(&mut self) {
        if self.index.is_empty() {
            self.slots = Vec::new();
            self.free = Vec::new();
            self.index = HashTable::new();
        } else if self.slots.len() > 64 && self.index.len() * 8 < self.slots.len() {
            self.compact();
        }
    }

    /// Drops empty slots. Slot numbers change, which a SCAN in progress tolerates only loosely, so
    /// this runs only when the table is mostly holes.
    fn compact(&mut self) {
        self.generation += 1;
        let old = std::mem::take(&mut self.slots);
        self.free.clear();
        self.index.clear();
        self.index.shrink_to_fit(|_| 0);
        self.slots.reserve(self.index.len());
        for item in old.into_iter().flatten() {
            self.insert(item);
        }
        self.slots.shrink_to_fit();
    }

    pub fn clear(&mut self) {
        let generation = self.generation + 1;
        *self = Table::new();
        self.generation = generation;
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().filter_map(|s| s.as_ref())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.slots.iter_mut().filter_map(|s| s.as_mut())
    }

    /// Iterates `(slot, item)`.
    pub fn iter_slots(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|it| (i as u32, it)))
    }

    /// Number of slots, used and free; SCAN cursors run below it.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// A uniformly random occupied slot.
    pub fn random_slot(&self, rng: &mut Rng) -> Option<u32> {
        if self.is_empty() {
            return None;
        }
        // Occupancy is at least 1/8 (see maybe_shrink), so this ends quickly.
        loop {
            let s = rng.below(self.slots.len());
            if self.slots[s].is_some() {
                return Some(s as u32);
            }
        }
    }

    pub fn random(&self, rng: &mut Rng) -> Option<&T> {
        self.random_slot(rng).and_then(|s| self.at(s))
    }

    /// Visits about `count` slots from `cursor`, calling `f` on each item; returns the next cursor
    /// (0 when the scan is complete).
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&T)) -> u64 {
        let start = cursor as usize;
        if start >= self.slots.len() {
            return 0;
        }
        let end = (start + count.max(1)).min(self.slots.len());
        for it in self.slots[start..end].iter().flatten() {
            f(it);
        }
        if end >= self.slots.len() {
            0
        } else {
            end as u64
        }
    }

    /// Approximate heap bytes used by the table itself (not the items' own heap data).
    pub fn overhead_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Option<T>>() + self.index.capacity() * (std::mem::size_of::<u32>() + 1) + self.free.capacity() * 4
    }
}

/// Either find the item for `key` or build and insert one; returns a mutable reference to it.
pub fn get_or_insert_with<'a, T: Keyed>(t: &'a mut Table<T>, key: &[u8], make: impl FnOnce() -> T) -> &'a mut T {
    let h = t.hasher.hash_one(key);
    let Table { slots, free, index, hasher, .. } = t;
    let s = match index.entry(
        h,
        |&s| slots[s as usize].as_ref().is_some_and(|it| it.key() == key),
        |&x| hasher.hash_one(slots[x as usize].as_ref().map(|it| it.key()).unwrap_or(&[])),
    ) {
        TableEntry::Occupied(e) => *e.get(),
        TableEntry::Vacant(v) => {
            let item = make();
            let s = match free.pop() {
                Some(s) => {
                    slots[s as usize] = Some(item);
                    s
                }
                None => {
                    slots.push(Some(item));
                    (slots.len() - 1) as u32
                }
            };
            v.insert(s);
            s
        }
    };
    match t.slots[s as usize].as_mut() {
        Some(it) => it,
        None => unreachable!("index points at an empty slot"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Box<[u8]> {
        s.as_bytes().into()
    }

    #[test]
    fn insert_get_remove_reuse() {
        let mut t: Table<(Box<[u8]>, i32)> = Table::new();
        for i in 0..1000 {
            t.insert((k(&format!("k{i}")), i));
        }
        assert_eq!(t.len(), 1000);
        assert_eq!(t.get(b"k7").map(|e| e.1), Some(7));
        let (_, old) = t.insert((k("k7"), 70));
        assert_eq!(old.map(|e| e.1), Some(7));
        for i in 0..900 {
            assert!(t.remove(format!("k{i}").as_bytes()).is_some());
        }
        assert_eq!(t.len(), 100);
        assert!(t.get(b"k950").is_some());
        let mut rng = Rng::seeded();
        for _ in 0..100 {
            assert!(t.random(&mut rng).is_some());
        }
    }

    #[test]
    fn scan_returns_every_stable_item_despite_churn() {
        let mut t: Table<Box<[u8]>> = Table::new();
        for i in 0..500 {
            t.insert(k(&format!("s{i}")));
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        let mut round = 0;
        loop {
            cursor = t.scan(cursor, 10, |it| {
                seen.insert(it.to_vec());
            });
            // Churn: add and remove other keys while scanning.
            t.insert(k(&format!("tmp{round}")));
            if round > 0 {
                t.remove(format!("tmp{}", round - 1).as_bytes());
            }
            round += 1;
            if cursor == 0 {
                break;
            }
        }
        for i in 0..500 {
            assert!(seen.contains(format!("s{i}").as_bytes()), "missed s{i}");
        }
    }
}
