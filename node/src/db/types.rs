//! What the collection types share: encoding thresholds. The types live in `hash.rs`, `set.rs`, `zset/`.
//!
//! Hash, set and sorted-set values have Redis 7.0's two encodings each.
//!
//! Small values keep Redis's compact encodings' *order* (a listpack keeps insertion order, an intset
//! is sorted), so replies match redis-server element for element; big ones switch to hash tables,
//! one way, at the thresholds set by `*-max-listpack-*` / `set-max-intset-entries`.

pub use super::hash::HashVal;
pub use super::set::{Member, SetVal};
pub use super::zset::{Score, ZSet};

/// Encoding thresholds from the config.
#[derive(Debug, Clone, Copy)]
pub struct EncodingLimits {
    pub hash_max_entries: usize,
    pub hash_max_value: usize,
    pub set_max_intset: usize,
    pub zset_max_entries: usize,
    pub zset_max_value: usize,
    pub stream: super::stream::NodeLimits,
}

impl Default for EncodingLimits {
    fn default() -> Self {
        EncodingLimits {
            hash_max_entries: 512,
            hash_max_value: 64,
            set_max_intset: 512,
            zset_max_entries: 128,
            zset_max_value: 64,
            stream: Default::default(),
        }
    }
}

/// quicklist's `packed_threshold`: list elements at least this long get a node of their own,
/// stored raw (a PLAIN node). Process-wide, as in Redis, where DEBUG QUICKLIST-PACKED-THRESHOLD
/// changes it for tests.
static LIST_PACKED_THRESHOLD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1 << 30);

pub fn list_packed_threshold() -> usize {
    LIST_PACKED_THRESHOLD.load(std::sync::atomic::Ordering::Relaxed)
}

/// `quicklistisSetPackedThreshold`: refuses sizes past 4 GB less 1 MB; 0 restores the default.
pub fn set_list_packed_threshold(sz: u64) -> bool {
    if sz > (1u64 << 32) - (1 << 20) {
        return false;
    }
    let sz = if sz == 0 { 1 << 30 } else { sz as usize };
    LIST_PACKED_THRESHOLD.store(sz, std::sync::atomic::Ordering::Relaxed);
    true
}
