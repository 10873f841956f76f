//! The process's global allocator: the system `malloc`, counting the bytes it hands out, so INFO's
//! `used_memory` and the `maxmemory` check read what the server really holds (Redis's
//! `zmalloc_used_memory`).
//!
//! Each allocation adds the size glibc's malloc actually reserves for it (what
//! `malloc_usable_size` would report, Redis's measure when built with libc malloc), computed from
//! the requested size so the hot path is one relaxed atomic add and no extra call. Frees subtract
//! the same amount, so the counter stays exact whatever the estimate's error.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

static USED: AtomicUsize = AtomicUsize::new(0);

/// `System` with a byte counter.
pub struct Counting;

/// The bytes glibc's malloc accounts for a request of `size` bytes: chunks are 16-byte aligned with
/// an 8-byte header and at least 32 bytes, so the usable part is the chunk minus the header.
#[inline(always)]
pub const fn usable_size(size: usize) -> usize {
    let chunk = (size + 8 + 15) & !15;
    if chunk < 32 {
        24
    } else {
        chunk - 8
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counter
// is bookkeeping only and never affects the pointers returned.
unsafe impl GlobalAlloc for Counting {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            USED.fetch_add(usable_size(layout.size()), Relaxed);
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            USED.fetch_add(usable_size(layout.size()), Relaxed);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) };
        USED.fetch_sub(usable_size(layout.size()), Relaxed);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as ours.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let (old, new) = (usable_size(layout.size()), usable_size(new_size));
            if new >= old {
                USED.fetch_add(new - old, Relaxed);
            } else {
                USED.fetch_sub(old - new, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes currently allocated by the process through the global allocator.
#[inline]
pub fn used_memory() -> u64 {
    USED.load(Relaxed) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_sizes_follow_glibc_chunks() {
        assert_eq!(usable_size(0), 24);
        assert_eq!(usable_size(1), 24);
        assert_eq!(usable_size(24), 24);
        assert_eq!(usable_size(25), 40);
        assert_eq!(usable_size(40), 40);
        assert_eq!(usable_size(41), 56);
        assert_eq!(usable_size(1000), 1000);
        assert_eq!(usable_size(1001), 1016);
    }

    #[test]
    fn big_allocations_are_counted() {
        // Other tests allocate concurrently: a 64 MB block stands far above their noise.
        const N: usize = 64 << 20;
        let before = used_memory();
        let v: Vec<u8> = vec![1; N];
        let during = used_memory();
        assert!(during + (8 << 20) >= before + N as u64, "before {before}, during {during}");
        drop(v);
        let after = used_memory();
        assert!(after < during.saturating_sub(N as u64 / 2), "during {during}, after {after}");
    }
}
