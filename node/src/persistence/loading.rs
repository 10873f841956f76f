//! A load in progress, as `State` records it for INFO persistence's `loading_*` fields and the
//! -LOADING replies (the start-up load, or a replica loading its master's RDB).

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Loading in progress (INFO persistence `loading_*` fields).
#[derive(Debug, Clone)]
pub struct Loading {
    pub start_s: i64,
    pub total_bytes: u64,
    pub loaded: Arc<AtomicU64>,
}
