//! Durability, compatible with Redis 7.0: the RDB file (version 10) and DUMP payloads, the
//! multi-part AOF, SAVE/BGSAVE from a forked child, and loading at start-up. Owns the files and the
//! formats; may call the state, propagation's encoder and the data below it, and replays AOF
//! commands through the dispatcher's installed entry point (`state::execute`), never `cmd` itself.
//!
//! Layout:
//! - formats: `crc64.rs` (the RDB / DUMP checksum), `lzf.rs` (liblzf-compatible compression),
//!   `listpack.rs`, `intset.rs` (the blobs 7.0 writes for small collections), `ziplist.rs` (older
//!   files, decode only), `rdb/` (writer, loader, DUMP / RESTORE payloads).
//! - AOF: `aof.rs` (the buffer, fsync policy, rewrite scheduling), `aof_manifest.rs` (the manifest
//!   file), `aof_rewrite.rs` (a dataset as commands), `aof_load.rs` (replaying an AOF).
//! - `snapshot.rs`: SAVE / BGSAVE / save points / shutdown saves; `startup.rs`: loading the dataset
//!   at start-up (RDB or AOF) while clients get -LOADING.

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
