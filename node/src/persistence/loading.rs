//! A load in progress, as `State` records it for INFO persistence's `loading_*` fields and the
//! -LOADING replies (the start-up load, or a replica loading its master's RDB).

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Loading in progress (INFO persistence `loading_*` fields).
#[derive(Debug, Clone)]
pub struct Loading {
    pub(in crate::persistence) start_s: i64,
    pub(in crate::persistence) total_bytes: u64,
    /// Bytes read so far, counted by the loader as it reads (it may run without the lock).
    pub(in crate::persistence) loaded: Arc<AtomicU64>,
}

impl Loading {
    /// A load of `total_bytes` starting now (unix seconds `start_s`), with its progress counter.
    pub fn new(start_s: i64, total_bytes: u64) -> Loading {
        Loading { start_s, total_bytes, loaded: Arc::new(AtomicU64::new(0)) }
    }
}
