//! The keyspace: one `Db` per logical database, holding `Entry`s (key, value, expiry, access clock),
//! and the values with Redis 7.0's encodings. This is the data layer: it imports only `util`
//! (number formats, the PRNG, Redis's sorts); the configuration reaches it as arguments (the
//! encoding thresholds, `types::EncodingLimits`), and everything above calls in.
//!
//! Layout:
//! - `mod.rs` (this file): `Db`, `Entry`, `Value` (and `Elem`, one member's bytes), lookups, expiry.
//! - `slot_table.rs`: the slot-stable hash table every keyspace and big collection is built on.
//! - `access.rs`: each key's access clock (LRU seconds or LFU counter), as OBJECT and eviction read it.
//! - `types.rs` (encoding limits), `hash.rs`, `set.rs`, `zset/`: collection values with Redis's
//!   small/large encodings.
//! - `stream/`: stream values (listpack nodes, consumer groups).
//! - `listpack.rs`: Redis's listpack blob, which stream nodes are made of and the RDB writes small
//!   values as.
//! - `hll.rs`: HyperLogLog strings in Redis's exact sparse and dense layouts.
//! - `geo/`: Redis's geohash and distance math, bit for bit.
//!
//! Expiry is lazy here (a lookup of an expired key removes it and records the key in `expired_log`)
//! and active in `active_expire` (Redis's sampling cycle); the caller drains `expired_log` to send
//! keyspace events and propagate the deletions.

pub mod access;
pub mod geo;
pub mod hash;
pub mod hll;
pub mod listpack;
pub mod set;
pub mod slot_table;
pub mod stream;
pub mod types;
pub mod zset;

use std::collections::VecDeque;

use crate::util::{parse_i64, Rng};
use slot_table::{Keyed, Table};
pub use types::{HashVal, SetVal, ZSet};

/// A stored byte string (list elements, set members, hash fields and values).
pub type Elem = Box<[u8]>;

/// Strings up to this length report the `embstr` encoding, longer ones `raw` (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
pub const EMBSTR_SIZE_LIMIT: usize = 44;

/// A value. Plain strings live inside the entry's own buffer, right after the key (`Inline`), so a
/// small string key costs one allocation.
#[derive(Debug)]
pub enum Value {
    Inline,
    Int(i64),
    /// A string grown in place (APPEND, SETRANGE); reported as `raw` like Redis's sds strings.
    Raw(Box<Vec<u8>>),
    List(Box<VecDeque<Elem>>),
    Hash(Box<HashVal>),
    Set(Box<SetVal>),
    ZSet(Box<ZSet>),
    Stream(Box<stream::Stream>),
}

impl Value {
    /// The type name TYPE replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Inline | Value::Int(_) | Value::Raw(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// A deep copy (for `Inline` the bytes live in the entry: use `Entry::duplicate`).
    pub fn deep_clone(&self) -> Value {
        match self {
            Value::Inline => Value::Inline,
            Value::Int(n) => Value::Int(*n),
            Value::Raw(v) => Value::Raw(v.clone()),
            Value::List(l) => Value::List(l.clone()),
            Value::Hash(h) => Value::Hash(Box::new(h.deep_clone())),
            Value::Set(s) => Value::Set(Box::new(s.deep_clone())),
            Value::ZSet(z) => Value::ZSet(Box::new(z.deep_clone())),
            Value::Stream(s) => Value::Stream(Box::new(s.deep_clone())),
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::Inline | Value::Int(_) | Value::Raw(_))
    }
}

/// A string value as read: bytes, or an integer that formats on demand.
pub enum StrRef<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl StrRef<'_> {
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            StrRef::Bytes(b) => b.to_vec(),
            StrRef::Int(n) => n.to_string().into_bytes(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            StrRef::Bytes(b) => b.len(),
            StrRef::Int(n) => n.to_string().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug)]
pub struct Entry {
    /// The key, followed by the value's bytes when the value is `Inline`.
    buf: Box<[u8]>,
    key_len: u32,
    /// Last access in seconds (LRU clock), or the LFU counter data when an LFU policy is active.
    pub lru: u32,
    /// Absolute expiry in Unix milliseconds; 0 = no expiry.
    pub expire_at: i64,
    pub value: Value,
}

impl Keyed for Entry {
    fn key(&self) -> &[u8] {
        &self.buf[..self.key_len as usize]
    }
}

impl Entry {
    /// A string entry, stored as an integer when the bytes are a canonical integer (Redis's `int` encoding).
    pub fn string(key: &[u8], val: &[u8]) -> Entry {
        if val.len() <= 20 {
            if let Some(n) = parse_i64(val) {
                return Entry::with_value(key, Value::Int(n));
            }
        }
        let mut buf = Vec::with_capacity(key.len() + val.len());
        buf.extend_from_slice(key);
        buf.extend_from_slice(val);
        Entry { buf: buf.into_boxed_slice(), key_len: key.len() as u32, lru: access::new_key_clock(), expire_at: 0, value: Value::Inline }
    }

    /// A string entry kept as the given bytes, never int-encoded (Redis's `createStringObject`:
    /// `embstr` up to 44 bytes, `raw` beyond), as INCRBYFLOAT and DEBUG POPULATE store values.
    pub fn string_verbatim(key: &[u8], val: &[u8]) -> Entry {
        let mut buf = Vec::with_capacity(key.len() + val.len());
        buf.extend_from_slice(key);
        buf.extend_from_slice(val);
        Entry { buf: buf.into_boxed_slice(), key_len: key.len() as u32, lru: access::new_key_clock(), expire_at: 0, value: Value::Inline }
    }

    pub fn with_value(key: &[u8], value: Value) -> Entry {
        Entry { buf: key.into(), key_len: key.len() as u32, lru: access::new_key_clock(), expire_at: 0, value }
    }

    pub fn key(&self) -> &[u8] {
        &self.buf[..self.key_len as usize]
    }

    /// The string value, or None when the value is of another type.
    pub fn str(&self) -> Option<StrRef<'_>> {
        match &self.value {
            Value::Inline => Some(StrRef::Bytes(&self.buf[self.key_len as usize..])),
            Value::Int(n) => Some(StrRef::Int(*n)),
            Value::Raw(v) => Some(StrRef::Bytes(v)),
            _ => None,
        }
    }

    /// Turns a string value into a growable buffer and returns it (APPEND, SETRANGE).
    pub fn str_mut(&mut self) -> Option<&mut Vec<u8>> {
        let bytes = match &self.value {
            Value::Raw(_) => None,
            Value::Inline => Some(self.buf[self.key_len as usize..].to_vec()),
            Value::Int(n) => Some(n.to_string().into_bytes()),
            _ => return None,
        };
        if let Some(b) = bytes {
            self.buf = self.key().into();
            self.value = Value::Raw(Box::new(b));
        }
        match &mut self.value {
            Value::Raw(v) => Some(v),
            _ => None,
        }
    }

    /// Replaces the value, keeping key, expiry and clock.
    pub fn set_value(&mut self, value: Value) {
        if matches!(self.value, Value::Inline) {
            self.buf = self.key().into();
        }
        self.value = value;
    }

    /// Replaces the value with a string.
    pub fn set_string(&mut self, val: &[u8]) {
        let fresh = Entry::string(self.key(), val);
        self.buf = fresh.buf;
        self.value = fresh.value;
    }

    /// The same entry under another key, moving the value (RENAME, MOVE).
    pub fn renamed(self, new_key: &[u8]) -> Entry {
        match self.value {
            Value::Inline => {
                let mut e = self.duplicate(new_key);
                e.lru = self.lru;
                e
            }
            value => Entry { buf: new_key.into(), key_len: new_key.len() as u32, lru: self.lru, expire_at: self.expire_at, value },
        }
    }

    /// A deep copy under another key (COPY, RENAME into another db); expiry is kept.
    pub fn duplicate(&self, new_key: &[u8]) -> Entry {
        let mut e = match &self.value {
            Value::Inline => {
                let mut buf = Vec::with_capacity(new_key.len() + self.buf.len() - self.key_len as usize);
                buf.extend_from_slice(new_key);
                buf.extend_from_slice(&self.buf[self.key_len as usize..]);
                Entry { buf: buf.into_boxed_slice(), key_len: new_key.len() as u32, lru: self.lru, expire_at: 0, value: Value::Inline }
            }
            other => Entry::with_value(new_key, other.deep_clone()),
        };
        e.expire_at = self.expire_at;
        e
    }

    /// OBJECT ENCODING, as Redis 7.0 names it.
    pub fn encoding(&self) -> &'static str {
        match &self.value {
            Value::Int(_) => "int",
            Value::Inline => {
                if self.buf.len() - self.key_len as usize <= EMBSTR_SIZE_LIMIT {
                    "embstr"
                } else {
                    "raw"
                }
            }
            Value::Raw(_) => "raw",
            Value::List(_) => "quicklist",
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Stream(_) => "stream",
        }
    }

    /// Approximate memory used by this entry, for MEMORY USAGE and INFO.
    pub fn mem_usage(&self) -> usize {
        let base = std::mem::size_of::<Entry>() + self.buf.len() + 16;
        base + match &self.value {
            Value::Inline | Value::Int(_) => 0,
            Value::Raw(v) => v.capacity() + 24,
            Value::List(l) => l.iter().map(|e| e.len() + 32).sum::<usize>() + l.capacity() * 16,
            Value::Hash(h) => h.mem_usage(),
            Value::Set(s) => s.mem_usage(),
            Value::ZSet(z) => z.mem_usage(),
            Value::Stream(s) => s.mem_usage(),
        }
    }

    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expire_at != 0 && self.expire_at <= now_ms
    }
}

/// One logical database.
#[derive(Debug, Default)]
pub struct Db {
    table: Table<Entry>,
    /// Slots whose entries have (or had) an expiry; stale ones are dropped when sampled.
    volatile: Vec<u32>,
    volatile_count: usize,
    /// Keys removed by lazy or active expiry since the caller last drained this.
    pub expired_log: Vec<Elem>,
    /// Running average of sampled TTLs (INFO keyspace avg_ttl).
    pub avg_ttl: i64,
    /// Where the next active expiry cycle continues sampling.
    expire_cursor: usize,
}

impl Db {
    pub fn new() -> Self {
        Db::default()
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Makes room for `n` more keys.
    pub fn reserve(&mut self, n: usize) {
        self.table.reserve(n);
    }

    /// Makes room for `n` more keys if the allocator grants it (Redis's `dictTryExpand`).
    pub fn try_reserve(&mut self, n: usize) -> bool {
        self.table.try_reserve(n)
    }

    pub fn expires_count(&self) -> usize {
        self.volatile_count
    }

    /// Finds a live entry, removing it first if it has expired.
    pub fn lookup(&mut self, key: &[u8], now_ms: i64) -> Option<&mut Entry> {
        let slot = self.table.slot_of(key)?;
        let expired = self.table.at(slot).is_some_and(|e| e.is_expired(now_ms));
        if expired {
            self.expire_slot(slot);
            return None;
        }
        self.table.at_mut(slot)
    }

    /// `lookup` that returns where the entry is, for a caller that must do other work before
    /// borrowing it ([`Db::at_mut`] then reaches it without hashing the key again).
    pub fn lookup_slot(&mut self, key: &[u8], now_ms: i64) -> Option<u32> {
        let slot = self.table.slot_of(key)?;
        if self.table.at(slot).is_some_and(|e| e.is_expired(now_ms)) {
            self.expire_slot(slot);
            return None;
        }
        Some(slot)
    }

    /// The entry at a slot [`Db::lookup_slot`] returned (valid until the table changes).
    pub fn at_mut(&mut self, slot: u32) -> Option<&mut Entry> {
        self.table.at_mut(slot)
    }

    /// Finds a live entry without touching anything (expired entries read as missing).
    pub fn peek(&self, key: &[u8], now_ms: i64) -> Option<&Entry> {
        self.table.get(key).filter(|e| !e.is_expired(now_ms))
    }

    pub fn contains(&mut self, key: &[u8], now_ms: i64) -> bool {
        self.lookup(key, now_ms).is_some()
    }

    /// After a removal the table may have renumbered its slots; the volatile list holds slot numbers.
    fn after_remove(&mut self, generation_before: u64) {
        if self.table.generation() != generation_before {
            self.rebuild_volatile();
            self.expire_cursor = 0;
        }
    }

    fn expire_slot(&mut self, slot: u32) {
        let generation = self.table.generation();
        let removed = self.table.remove_at(slot);
        self.after_remove(generation);
        if let Some(e) = removed {
            if e.expire_at != 0 {
                self.volatile_count -= 1;
            }
            self.expired_log.push(e.key().into());
        }
    }

    /// Inserts or replaces an entry as is (its `expire_at` included); returns the old entry.
    pub fn insert(&mut self, entry: Entry) -> Option<Entry> {
        let has_ttl = entry.expire_at != 0;
        let (slot, old) = self.table.insert(entry);
        let had_ttl = old.as_ref().is_some_and(|o| o.expire_at != 0);
        self.track_ttl_change(slot, had_ttl, has_ttl);
        old
    }

    /// Sets a string value. With `keep_ttl`, an existing key keeps its expiry; otherwise it is cleared.
    pub fn set_string(&mut self, key: &[u8], val: &[u8], keep_ttl: bool, now_ms: i64) {
        let mut entry = Entry::string(key, val);
        // Under LFU, an overwritten key keeps its access frequency (Redis's `dbOverwrite`).
        let lfu = access::lfu_mode();
        if keep_ttl || lfu {
            if let Some(old) = self.peek(key, now_ms) {
                if keep_ttl {
                    entry.expire_at = old.expire_at;
                }
                if lfu {
                    entry.lru = old.lru;
                }
            }
        }
        self.insert(entry);
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let generation = self.table.generation();
        let e = self.table.remove(key);
        self.after_remove(generation);
        let e = e?;
        if e.expire_at != 0 {
            self.volatile_count -= 1;
        }
        Some(e)
    }

    /// Sets or clears (`at_ms == 0`) the expiry of an existing key. Returns false if there is no key.
    pub fn set_expire(&mut self, key: &[u8], at_ms: i64) -> bool {
        let Some(slot) = self.table.slot_of(key) else { return false };
        let Some(e) = self.table.at_mut(slot) else { return false };
        let had = e.expire_at != 0;
        e.expire_at = at_ms;
        self.track_ttl_change(slot, had, at_ms != 0);
        true
    }

    fn track_ttl_change(&mut self, slot: u32, had: bool, has: bool) {
        match (had, has) {
            (false, true) => {
                self.volatile_count += 1;
                self.volatile.push(slot);
                if self.volatile.len() > 2 * self.volatile_count + 1024 {
                    self.rebuild_volatile();
                }
            }
            (true, false) => self.volatile_count -= 1,
            _ => {}
        }
    }

    fn rebuild_volatile(&mut self) {
        self.volatile = self.table.iter_slots().filter(|(_, e)| e.expire_at != 0).map(|(s, _)| s).collect();
    }

    pub fn clear(&mut self) {
        self.table.clear();
        self.volatile = Vec::new();
        self.volatile_count = 0;
        self.avg_ttl = 0;
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.table.iter()
    }

    pub fn scan(&self, cursor: u64, count: usize, f: impl FnMut(&Entry)) -> u64 {
        self.table.scan(cursor, count, f)
    }

    /// A random live key (expired ones met on the way are removed).
    pub fn random_key(&mut self, now_ms: i64, rng: &mut Rng) -> Option<Elem> {
        for _ in 0..100 {
            let slot = self.table.random_slot(rng)?;
            let (expired, key) = match self.table.at(slot) {
                Some(e) => (e.is_expired(now_ms), Elem::from(e.key())),
                None => continue,
            };
            if expired {
                self.expire_slot(slot);
                continue;
            }
            return Some(key);
        }
        // Mostly expired keys: take any live one.
        self.table.iter().find(|e| !e.is_expired(now_ms)).map(|e| e.key().into())
    }

    /// Calls `f` on up to `n` randomly chosen entries, for eviction (Redis's `dictGetSomeKeys`):
    /// from every key, or with `volatile_only` from the keys with a TTL (expired ones included, as
    /// Redis samples its `expires` dict). An entry may come twice. Finds at least one entry
    /// whenever there is a candidate.
    pub fn sample(&mut self, n: usize, volatile_only: bool, rng: &mut Rng, mut f: impl FnMut(&Entry)) {
        if !volatile_only {
            for _ in 0..n {
                match self.table.random_slot(rng).and_then(|s| self.table.at(s)) {
                    Some(e) => f(e),
                    None => return,
                }
            }
            return;
        }
        let mut found = 0;
        let mut tries = 0;
        while found < n && self.volatile_count > 0 && !self.volatile.is_empty() {
            tries += 1;
            if tries > 3 * n && found > 0 {
                return;
            }
            let i = rng.below(self.volatile.len());
            match self.table.at(self.volatile[i]) {
                Some(e) if e.expire_at != 0 => {
                    f(e);
                    found += 1;
                }
                // A stale slot: the key lost its TTL or is gone.
                _ => {
                    self.volatile.swap_remove(i);
                }
            }
        }
    }

    /// Whether `key` is stored (expired or not), and with a TTL when `volatile_only`: an eviction
    /// candidate taken from the pool is still one.
    pub fn has_candidate(&self, key: &[u8], volatile_only: bool) -> bool {
        self.table.get(key).is_some_and(|e| !volatile_only || e.expire_at != 0)
    }

    /// One pass of Redis's active expiry: sample up to `samples` keys with a TTL and remove the expired
    /// ones. Returns (sampled, expired) so the caller can repeat while over 25% were stale.
    pub fn active_expire(&mut self, now_ms: i64, samples: usize) -> (usize, usize) {
        let mut sampled = 0;
        let mut expired = 0;
        let mut ttl_sum = 0i64;
        let mut ttl_n = 0i64;
        while sampled < samples && !self.volatile.is_empty() {
            if self.expire_cursor >= self.volatile.len() {
                self.expire_cursor = 0;
            }
            let i = self.expire_cursor;
            let slot = self.volatile[i];
            let state = self.table.at(slot).map(|e| (e.expire_at, e.is_expired(now_ms)));
            match state {
                // A stale entry: the key lost its TTL or is gone.
                Some((0, _)) | None => {
                    self.volatile.swap_remove(i);
                }
                Some((_, true)) => {
                    self.volatile.swap_remove(i);
                    self.expire_slot(slot);
                    sampled += 1;
                    expired += 1;
                }
                Some((at, false)) => {
                    ttl_sum += at - now_ms;
                    ttl_n += 1;
                    sampled += 1;
                    self.expire_cursor += 1;
                }
            }
        }
        if ttl_n > 0 {
            let avg = ttl_sum / ttl_n;
            // Like Redis: a running average that weighs the new sample by 2%.
            self.avg_ttl = if self.avg_ttl == 0 { avg } else { (self.avg_ttl / 50) * 49 + avg / 50 };
        }
        if self.volatile_count == 0 {
            self.avg_ttl = 0;
        }
        (sampled, expired)
    }

    /// Heap bytes of the keyspace (entries and table), for INFO memory and maxmemory.
    pub fn mem_usage_estimate(&self) -> usize {
        self.table.overhead_bytes() + self.volatile.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_encode_like_redis() {
        let e = Entry::string(b"k", b"123");
        assert_eq!(e.encoding(), "int");
        assert_eq!(e.str().map(|s| s.to_vec()), Some(b"123".to_vec()));
        assert_eq!(Entry::string(b"k", b"0123").encoding(), "embstr");
        assert_eq!(Entry::string(b"k", &[b'x'; 45]).encoding(), "raw");
        let mut e = Entry::string(b"key", b"abc");
        e.str_mut().unwrap().extend_from_slice(b"def");
        assert_eq!(e.encoding(), "raw");
        assert_eq!(e.key(), b"key");
        assert_eq!(e.str().unwrap().to_vec(), b"abcdef");
    }

    #[test]
    fn lazy_and_active_expiry() {
        let mut db = Db::new();
        db.set_string(b"a", b"1", false, 0);
        db.set_string(b"b", b"2", false, 0);
        assert!(db.set_expire(b"a", 1000));
        assert_eq!(db.expires_count(), 1);
        assert!(db.lookup(b"a", 999).is_some());
        assert!(db.lookup(b"a", 1000).is_none());
        assert_eq!(db.expired_log, vec![Elem::from(&b"a"[..])]);
        assert_eq!(db.expires_count(), 0);
        for i in 0..100 {
            let k = format!("t{i}");
            db.set_string(k.as_bytes(), b"v", false, 0);
            db.set_expire(k.as_bytes(), 500);
        }
        let mut total = 0;
        while db.expires_count() > 0 {
            total += db.active_expire(600, 20).1;
        }
        assert_eq!(total, 100);
        assert_eq!(db.len(), 1);
    }

    #[test]
    fn active_expiry_survives_table_compaction() {
        let mut db = Db::new();
        for i in 0..1000 {
            let k = format!("k{i}");
            db.set_string(k.as_bytes(), b"v", false, 0);
            db.set_expire(k.as_bytes(), 500);
        }
        // Deleting most keys compacts the table and renumbers slots.
        for i in 0..990 {
            db.remove(format!("k{i}").as_bytes());
        }
        assert_eq!(db.expires_count(), 10);
        let mut rounds = 0;
        while db.expires_count() > 0 && rounds < 100 {
            db.active_expire(600, 20);
            rounds += 1;
        }
        assert_eq!(db.len(), 0, "every remaining volatile key is found by active expiry");
    }
}
