//! cargo-fuzz target for the multi-part AOF manifest parser (`aof_manifest::Manifest::parse`).
//! Asserts: no panic; an accepted manifest names at least one file and no path; and what we write
//! for it (`format`, as after BGREWRITEAOF) parses back to the same manifest, so a restart reads
//! what the server wrote.
//!
//! Run in `node/fuzz` (nightly; `-a` adds overflow checks; the seeds are committed, `corpus/` is not):
//! `mkdir -p corpus/aof_manifest && cargo +nightly fuzz run -a aof_manifest corpus/aof_manifest seeds/aof_manifest`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redis_ha_node::persistence::aof_manifest::Manifest;

/// The parser refuses longer lines (Redis's AOF_MANIFEST_MAX_LINE).
const MAX_LINE: usize = 1024;

fuzz_target!(|data: &[u8]| {
    let Ok(m) = Manifest::parse(data) else { return };
    let files: Vec<_> = m.base.iter().chain(&m.history).chain(&m.incrs).collect();
    assert!(!files.is_empty(), "accepted a manifest without files");
    assert!(files.iter().all(|f| !f.name.contains('/')), "accepted a path as a file name");
    let text = m.format();
    // Quoting can make a line longer than the one it came from; past the limit the refusal is
    // Redis's too (and such names never come from `appendfilename`).
    if text.lines().all(|l| l.len() <= MAX_LINE) {
        assert_eq!(Manifest::parse(text.as_bytes()), Ok(m), "format/parse round trip of {text:?}");
    }
});
