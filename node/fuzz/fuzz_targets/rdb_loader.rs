//! cargo-fuzz target for the RDB loader (`persistence::rdb::decode`). The input's first byte picks
//! the load options (encoding limits, databases, expired-key dropping, LFU, the read-buffer size
//! of the streaming run); the rest is the file. Asserts:
//! - no panic, and no allocation beyond what the input can justify (run with `-malloc_limit_mb`:
//!   a length field must never be trusted for an allocation);
//! - checksum verification only ever turns a success into a `Checksum` error, never changes
//!   anything else;
//! - loading from a reader with a tiny buffer gives exactly what loading from memory gives (the
//!   reader's refills and its running CRC must not depend on chunking);
//! - whatever loads is a consistent dataset: saving it and loading the result gives it back.
//!
//! Run in `node/fuzz` (nightly; `-a` adds overflow checks; the seeds are committed, `corpus/` is not):
//! `mkdir -p corpus/rdb_loader && cargo +nightly fuzz run -a rdb_loader corpus/rdb_loader seeds/rdb_loader -- -malloc_limit_mb=256`.
#![no_main]

mod common;

use std::io::BufReader;

use libfuzzer_sys::fuzz_target;
use redis_ha_node::persistence::rdb::{self, LoadOptions, LoadedRdb, RdbError, SaveOptions};

/// What a load produced, comparable across runs: the dataset's canonical text and counters, or
/// the error's text (which includes its offset).
fn outcome(r: &Result<LoadedRdb, RdbError>) -> Result<(Vec<String>, u64, u64, u64, u64), String> {
    match r {
        Ok(l) => Ok((common::describe_dbs(&l.dbs), l.keys_loaded, l.keys_expired, l.empty_keys_skipped, l.bytes_read)),
        Err(e) => Err(e.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, file)) = data.split_first() else { return };
    let opts = common::load_options(mode);
    let off = rdb::load(file, &opts);
    let on = rdb::load(file, &LoadOptions { verify_checksum: true, ..opts.clone() });

    // Verification reads nothing more than the trailer, so it can only reject what loaded.
    match (&off, &on) {
        (Ok(_), Err(RdbError::Checksum { .. })) => {}
        (Ok(_), Ok(_)) => assert_eq!(outcome(&off), outcome(&on), "verification changed a loaded dataset"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "verification changed the error"),
        (a, b) => panic!("checksum verification turned {:?} into {:?}", outcome(a).err(), outcome(b).err()),
    }

    // The reader over a socket or file refills a small buffer: same result at any chunking.
    let chunk = 1 + (mode >> 6) as usize * 5;
    let streamed = rdb::load_from(BufReader::with_capacity(chunk, file), &opts);
    assert_eq!(outcome(&off), outcome(&streamed), "load_from with a {chunk}-byte buffer differs from load");

    let Ok(loaded) = off else { return };
    assert!(loaded.bytes_read as usize <= file.len(), "read past the end");
    assert_eq!(loaded.keys_loaded as usize, loaded.dbs.iter().map(|d| d.len()).sum::<usize>(), "key count");
    // A loaded dataset must be one the server can hold and write: save it and load it back. (The
    // now-expired keys the options kept are kept again; encodings come from the same limits.)
    let bytes = rdb::save_to_vec(&loaded.dbs, &SaveOptions::default(), common::NOW);
    let again = rdb::load(&bytes, &LoadOptions { verify_checksum: true, drop_expired: false, ..opts });
    match again {
        Ok(again) => assert_eq!(common::describe_dbs(&loaded.dbs), common::describe_dbs(&again.dbs), "save/load round trip of a loaded dataset"),
        Err(e) => panic!("a loaded dataset does not load back after saving: {e}"),
    }
});
