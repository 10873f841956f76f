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

/// Quicklist node sizes per `list-max-listpack-size` (positive: entries per node; negative: 4 KB
/// times 2^(n-1) per node), in the SIZE_SAFETY_LIMIT / estimate terms of `_quicklistNodeAllowInsert`.
const QL_SIZE_LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];

/// (nodes, total listpack bytes) of a list laid out the way RPUSH builds it: each element goes to
/// the tail node while it fits, else starts a new one.
pub fn quicklist_shape(list: &std::collections::VecDeque<crate::db::Elem>, fill: i64) -> (usize, usize) {
    const LP_EMPTY: usize = 7; // header (6) + end byte
    let (mut nodes, mut total) = (0usize, 0usize);
    let (mut cur_bytes, mut cur_count) = (0usize, 0usize);
    let packed_threshold = list_packed_threshold();
    for e in list {
        if e.len() >= packed_threshold {
            // A PLAIN node of its own: its size is the element's.
            total += cur_bytes;
            nodes += (cur_count > 0) as usize + 1;
            total += e.len();
            cur_bytes = 0;
            cur_count = 0;
            continue;
        }
        let fits = cur_count > 0 && {
            let new_sz = cur_bytes + e.len() + 8;
            if fill >= 0 {
                new_sz <= 8192 && cur_count < fill.max(1) as usize
            } else {
                new_sz <= QL_SIZE_LEVELS[((-fill - 1) as usize).min(QL_SIZE_LEVELS.len() - 1)]
            }
        };
        if !fits {
            total += cur_bytes;
            nodes += (cur_count > 0) as usize;
            cur_bytes = LP_EMPTY;
            cur_count = 0;
        }
        cur_bytes += crate::db::listpack::entry_size(e);
        cur_count += 1;
    }
    total += cur_bytes;
    nodes += (cur_count > 0) as usize;
    (nodes.max(1), total)
}
