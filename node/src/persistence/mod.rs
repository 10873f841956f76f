//! Durability, compatible with Redis 7.0: the RDB file (version 10) and DUMP payloads, the
//! multi-part AOF, SAVE/BGSAVE from a forked child, and loading at start-up. Owns the files and the
//! formats; may call the state (with the parts other subsystems own: the replication state, told
//! of a finished child and asked for the history an RDB records, and the FUNCTION libraries that
//! RDB and AOF carry, `script::functions`), the data and the ground below it, and replays AOF
//! commands through the dispatcher's installed entry point (`state::execute`), never `cmd` itself.
//!
//! Layout:
//! - formats: `crc64.rs` (the RDB / DUMP checksum), `lzf.rs` (liblzf-compatible compression),
//!   `intset.rs` (the blob 7.0 writes for small integer sets; listpacks live in `db::listpack`),
//!   `ziplist.rs` (older files, decode only), `rdb/` (writer, loader, DUMP / RESTORE payloads).
//! - AOF: `aof_writer.rs` (its part of `State`: buffer, incremental file, fsync thread), `aof.rs`
//!   (flushing, fsync policy, rewrite scheduling, turning it on and off), `aof_manifest.rs` (the
//!   manifest file), `aof_rewrite.rs` (a dataset as commands), `aof_load.rs` (replaying an AOF).
//! - saving: `save_status.rs` (its part of `State`: the forked child, rdb_* statistics),
//!   `rdb_file.rs` (writing dump.rdb safely), `snapshot.rs` (SAVE / BGSAVE / save points /
//!   shutdown saves, and reaping the child of either kind: it sits above the AOF).
//! - `info.rs`: the INFO persistence section.
//! - loading: `loading.rs` (its part of `State`: progress of a load), `startup.rs` (loading the
//!   dataset at start-up, RDB or AOF, while clients get -LOADING).
//!
//! The three parts of `State` sit in files that import nothing above the data, so the state can
//! hold them without importing the code that works on them.

pub mod aof;
pub mod aof_load;
pub mod aof_manifest;
pub mod aof_rewrite;
pub mod aof_writer;
pub mod crc64;
pub mod info;
pub mod intset;
pub mod loading;
pub mod lzf;
pub mod rdb;
pub mod rdb_file;
pub mod save_status;
pub mod snapshot;
pub mod startup;
pub mod ziplist;
