//! Persistence formats compatible with Redis 7.0: the RDB file (version 10) and the DUMP payload,
//! and the compact encodings they embed.
//!
//! Layout:
//! - `crc64.rs`: the RDB / DUMP checksum (CRC-64/Jones).
//! - `lzf.rs`: LZF compression (liblzf-compatible, byte-identical output).
//! - `listpack.rs`, `intset.rs`: the blobs 7.0 writes for small hashes, sorted sets, list nodes
//!   and integer sets; `ziplist.rs`: the ziplists and zipmaps of older files (decode only).
//! - `rdb/`: the RDB writer (`encode.rs`), the loader (`decode.rs`) and DUMP / RESTORE payloads.

pub mod aof;
pub mod aof_load;
pub mod aof_manifest;
pub mod aof_rewrite;
pub mod crc64;
pub mod intset;
pub mod listpack;
pub mod lzf;
pub mod rdb;
pub mod snapshot;
pub mod startup;
pub mod ziplist;
