//! cargo-fuzz target for DUMP payloads (RESTORE's input): `verify_dump_payload` and
//! `decode_dump_payload`. The input's first byte is a mode: bit 0 rewrites the CRC64 footer so the
//! payload verifies (else almost every mutation would stop at the checksum, as RESTORE does, and
//! the value decoder would go untested), bit 2 picks tiny encoding limits. Asserts:
//! - no panic and no unjustified allocation (run with `-malloc_limit_mb`);
//! - a payload with a correct footer and a readable version verifies;
//! - a value that decodes is a consistent one: its own DUMP verifies and decodes to the same value.
//!
//! Run in `node/fuzz` (nightly; `-a` adds overflow checks; the seeds are committed, `corpus/` is not):
//! `mkdir -p corpus/dump_payload && cargo +nightly fuzz run -a dump_payload corpus/dump_payload seeds/dump_payload -- -malloc_limit_mb=256`.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use redis_ha_node::persistence::crc64::crc64;
use redis_ha_node::persistence::rdb::{self, ValueOptions, RDB_VERSION};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, payload)) = data.split_first() else { return };
    let mut p = payload.to_vec();
    let n = p.len();
    if mode & 1 == 1 && n >= 10 {
        let crc = crc64(&p[..n - 8]);
        p[n - 8..].copy_from_slice(&crc.to_le_bytes());
        let readable = u16::from_le_bytes([p[n - 10], p[n - 9]]) <= RDB_VERSION;
        assert_eq!(rdb::verify_dump_payload(&p), readable, "a payload with a correct CRC64 footer");
    } else {
        let _ = rdb::verify_dump_payload(&p);
    }
    let limits = common::limits(mode & 4 != 0);
    let Ok(Some(value)) = rdb::decode_dump_payload(&p, &limits) else { return };
    let entry = value.into_entry(b"key");
    let again = rdb::dump_payload(&entry, &ValueOptions::default());
    assert!(rdb::verify_dump_payload(&again), "our own DUMP of a decoded value does not verify");
    match rdb::decode_dump_payload(&again, &limits) {
        Ok(Some(back)) => assert_eq!(common::describe(&entry), common::describe(&back.into_entry(b"key")), "DUMP round trip of a decoded value"),
        Ok(None) => panic!("a decoded value dumps as an empty collection"),
        Err(e) => panic!("our own DUMP of a decoded value does not decode: {e}"),
    }
});
